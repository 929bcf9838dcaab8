namespace Warden.Core.Policy;

/// <summary>
/// Loads policy from a YAML file or a directory of <c>*.yaml</c>/<c>*.yml</c> files (sorted by name),
/// followed by rules kept in the store (admin API), and hot-reloads on change. A policy that fails
/// validation is rejected whole and the last good one stays in force.
/// </summary>
public sealed class PolicyFileSource : IDisposable
{
    private readonly string _path;
    private readonly PolicyDecisionPoint _pdp;
    private readonly Func<IReadOnlyList<(string Source, string Yaml)>> _storedRules;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private FileSystemWatcher? _watcher;
    private ITimer? _debounce;

    /// <summary>Creates the source; call <see cref="Reload"/> to load and <see cref="StartWatching"/> for hot reload.</summary>
    public PolicyFileSource(string path, PolicyDecisionPoint pdp, TimeProvider time, Func<IReadOnlyList<(string Source, string Yaml)>>? storedRules = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
        _pdp = pdp;
        _time = time;
        _storedRules = storedRules ?? (() => []);
    }

    /// <summary>Raised after every reload attempt (applied or rejected).</summary>
    public event Action<PolicyReloadResult>? Reloaded;

    /// <summary>The last reload outcome.</summary>
    public PolicyReloadResult? LastResult { get; private set; }

    /// <summary>Reads every source and swaps the policy in if it validates whole.</summary>
    public PolicyReloadResult Reload()
    {
        PolicyReloadResult result;
        lock (_gate)
        {
            try
            {
                var sources = ReadFiles(_path).Concat(_storedRules()).ToList();
                var policy = PolicyLoader.Load(sources);
                _pdp.Replace(policy);
                result = new PolicyReloadResult(true, policy.Version, policy.Rules.Count, []);
            }
            catch (PolicyValidationException ex)
            {
                result = Rejected(ex.Errors);
            }
            catch (IOException ex)
            {
                result = Rejected([$"{_path}: {ex.Message}"]);
            }
            catch (UnauthorizedAccessException ex)
            {
                result = Rejected([$"{_path}: {ex.Message}"]);
            }

            LastResult = result;
        }

        Reloaded?.Invoke(result);
        return result;
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

    /// <summary>Watches the file or directory; changes are applied after a short quiet period.</summary>
    public void StartWatching(TimeSpan? debounce = null)
    {
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
