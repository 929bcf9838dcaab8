namespace Warden.Core.Policy;

/// <summary>
/// Loads policy from a YAML file or a directory of <c>*.yaml</c>/<c>*.yml</c> files (sorted by name),
/// followed by rules kept in the store (admin API), and hot-reloads on change. A policy that fails
/// validation is rejected whole and the last good one stays in force.
/// </summary>
public sealed class PolicyFileSource : IDisposable
{
    private readonly string? _path;
    private readonly PolicyDecisionPoint _pdp;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private PolicyRuleSnapshot _stored = PolicyRuleSnapshot.Empty;
    private FileSystemWatcher? _watcher;
    private ITimer? _debounce;

    /// <summary>Creates the source; call <see cref="Reload()"/> to load and <see cref="StartWatching"/> for hot reload.</summary>
    /// <param name="path">The policy file or directory; null when the policy is only the stored (admin API) rules.</param>
    /// <param name="pdp">The decision point whose policy is replaced on every good reload.</param>
    /// <param name="time">Clock for the reload debounce.</param>
    public PolicyFileSource(string? path, PolicyDecisionPoint pdp, TimeProvider time)
    {
        _path = string.IsNullOrEmpty(path) ? null : Path.GetFullPath(path);
        _pdp = pdp;
        _time = time;
    }

    /// <summary>Raised after every reload attempt (applied or rejected).</summary>
    public event Action<PolicyReloadResult>? Reloaded;

    /// <summary>The last reload outcome.</summary>
    public PolicyReloadResult? LastResult { get; private set; }

    /// <summary>The stored rules in force (last applied snapshot).</summary>
    public PolicyRuleSnapshot Stored => _stored;

    /// <summary>True when a policy file is configured or stored rules are in force.</summary>
    public bool HasRules => _path is not null || _stored.Rules.Count > 0;

    /// <summary>Reads every source and swaps the policy in if it validates whole.</summary>
    public PolicyReloadResult Reload() => Reload(_stored);

    /// <summary>Reads the files, adds <paramref name="stored"/>, and swaps the policy in if it validates whole.</summary>
    public PolicyReloadResult Reload(PolicyRuleSnapshot stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        PolicyReloadResult result;
        lock (_gate)
        {
            try
            {
                var policy = Build(stored.Rules);
                _pdp.Replace(policy);
                _stored = stored;
                result = new PolicyReloadResult(true, policy.Version, policy.Rules.Count, []);
            }
            catch (PolicyValidationException ex)
            {
                result = Rejected(ex.Errors);
            }

            LastResult = result;
        }

        Reloaded?.Invoke(result);
        return result;
    }

    /// <summary>Validates the files plus <paramref name="stored"/> whole without applying anything; the errors, or none.</summary>
    public IReadOnlyList<string> Validate(IReadOnlyList<PolicyRuleDefinition> stored)
    {
        try
        {
            Build(stored);
            return [];
        }
        catch (PolicyValidationException ex)
        {
            return ex.Errors;
        }
    }

    private PolicySet Build(IReadOnlyList<PolicyRuleDefinition> stored)
    {
        IReadOnlyList<(string Source, string Yaml)> files;
        try
        {
            files = _path is null ? [] : ReadFiles(_path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PolicyValidationException([$"{_path}: {ex.Message}"]);
        }

        return PolicyLoader.Load(files, stored);
    }

    /// <summary>Reads the policy files at <paramref name="path"/> (file or directory).</summary>
    public static IReadOnlyList<(string Source, string Yaml)> ReadFiles(string path)
    {
        if (Directory.Exists(path))
        {
            return Directory.EnumerateFiles(path)
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .Select(f => (Path.GetFileName(f), ReadBounded(f)))
                .ToList();
        }

        return [(Path.GetFileName(path), ReadBounded(path))];
    }

    /// <summary>Watches the file or directory; changes are applied after a short quiet period. No-op without a path.</summary>
    public void StartWatching(TimeSpan? debounce = null)
    {
        if (_path is null)
        {
            return;
        }

        var delay = debounce ?? TimeSpan.FromMilliseconds(250);
        var isDir = Directory.Exists(_path);
        _watcher = isDir
            ? new FileSystemWatcher(_path)
            : new FileSystemWatcher(Path.GetDirectoryName(_path)!, Path.GetFileName(_path));
        _debounce = _time.CreateTimer(_ => Reload(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        FileSystemEventHandler changed = (_, _) => _debounce.Change(delay, Timeout.InfiniteTimeSpan);
        _watcher.Changed += changed;
        _watcher.Created += changed;
        _watcher.Deleted += changed;
        _watcher.Renamed += (_, _) => _debounce.Change(delay, Timeout.InfiniteTimeSpan);
        _watcher.NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime;
        _watcher.EnableRaisingEvents = true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
    }

    private PolicyReloadResult Rejected(IReadOnlyList<string> errors)
    {
        var current = _pdp.Current;
        return new PolicyReloadResult(false, current.Version, current.Rules.Count, errors);
    }

    private static string ReadBounded(string file)
    {
        var info = new FileInfo(file);
        if (info.Length > PolicyLoader.MaxSourceBytes)
        {
            throw new PolicyValidationException([$"{info.Name}: larger than {PolicyLoader.MaxSourceBytes} bytes"]);
        }

        return File.ReadAllText(file);
    }
}
