using System.Text;
using Warden.Core.Detection;

namespace Warden.Core.Pseudonymization;

/// <summary>
/// One session's mapping: the same original (per type) always gets the same <c>&lt;TYPE_n&gt;</c>; restore maps
/// back only surrogates this session issued. Thread-safe. Expires <see cref="PseudonymizerOptions.Ttl"/> after its
/// last use; an expired session forgets everything and restores nothing.
/// </summary>
internal sealed class PseudonymizationSession : IPseudonymizationSession
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Type, string Value), string> _forward = [];
    private readonly Dictionary<string, string> _reverse = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _next = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly DetectionEngine _engine;
    private readonly TimeProvider _time;
    private readonly PseudonymizerOptions _options;
    private readonly IReadOnlyCollection<string>? _types;
    private long _lastUsed;
    private bool _forgotten;

    public PseudonymizationSession(string id, DetectionEngine engine, TimeProvider time, PseudonymizerOptions options, IReadOnlyCollection<string>? entityTypes)
    {
        Id = id;
        _engine = engine;
        _time = time;
        _options = options;
        _types = entityTypes;
        _lastUsed = time.GetTimestamp();
    }

    public string Id { get; }

    internal long LastUsedTicks => Interlocked.Read(ref _lastUsed);

    public IReadOnlyDictionary<string, int> FindingCounts
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, int>(_counts, StringComparer.Ordinal);
            }
        }
    }

    public string Protect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Protect(text, _engine.Analyze(text, _types));
    }

    /// <summary>Replaces the given findings (from the same engine) with surrogates.</summary>
    internal string Protect(string text, IReadOnlyList<Finding> findings)
    {
        Touch();
        if (findings.Count == 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + (findings.Count * 12));
        var pos = 0;
        lock (_lock)
        {
            foreach (var f in findings)
            {
                if (f.Start < pos)
                {
                    continue;
                }

                sb.Append(text, pos, f.Start - pos);
                sb.Append(SurrogateFor(f.Type, text.Substring(f.Start, f.Length)));
                pos = f.End;
            }
        }

        sb.Append(text, pos, text.Length - pos);
        return sb.ToString();
    }

    private string SurrogateFor(string type, string value)
    {
        _counts[type] = _counts.GetValueOrDefault(type) + 1;
        if (_forward.TryGetValue((type, value), out var existing))
        {
            return existing;
        }

        if (_forgotten || _forward.Count >= _options.MaxEntriesPerSession)
        {
            return $"<{type}>"; // fail closed: redact rather than keep growing
        }

        var n = _next.GetValueOrDefault(type) + 1;
        _next[type] = n;
        var s = Surrogates.Format(type, n);
        _forward[(type, value)] = s;
        _reverse[s] = value;
        return s;
    }

    public string Restore(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Touch();
        var first = text.IndexOf('<', StringComparison.Ordinal);
        if (first < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, first);
        var i = first;
        lock (_lock)
        {
            while (i < text.Length)
            {
                var lt = text.IndexOf('<', i);
                if (lt < 0)
                {
                    sb.Append(text, i, text.Length - i);
                    break;
                }

                sb.Append(text, i, lt - i);
                var len = Surrogates.Match(text.AsSpan(lt));
                if (len > 0 && _reverse.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(text.AsSpan(lt, len), out var original))
                {
                    sb.Append(original);
                    i = lt + len;
                }
                else
                {
                    sb.Append('<');
                    i = lt + 1;
                }
            }
        }

        return sb.ToString();
    }

    public IStreamingRestorer CreateStreamingRestorer() => new StreamingRestorer(this);

    internal bool IsExpired() => _time.GetElapsedTime(LastUsedTicks) > _options.Ttl;

    /// <summary>Refreshes the sliding expiry; false when the session has already expired (it then forgets).</summary>
    internal bool TryTouch()
    {
        if (IsExpired())
        {
            Forget();
            return false;
        }

        Interlocked.Exchange(ref _lastUsed, _time.GetTimestamp());
        return !_forgotten;
    }

    private void Touch()
    {
        if (!TryTouch())
        {
            // A caller holding an expired session keeps working, but its old mapping is gone.
            lock (_lock)
            {
                _forgotten = true;
            }
        }
    }

    internal void Forget()
    {
        lock (_lock)
        {
            _forward.Clear();
            _reverse.Clear();
            _forgotten = true;
        }
    }
}
