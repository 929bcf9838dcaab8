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
    private readonly HashSet<string> _fakeTypes;
    private readonly FakeMatcher _fakes = new();
    private byte[]? _fakeKey; // created with the first fake (under the lock)
    private long _lastUsed;
    private bool _forgotten;

    private string? _id;

    /// <param name="id">The session id; null for an anonymous session (a random id is drawn when first read).</param>
    public PseudonymizationSession(string? id, DetectionEngine engine, TimeProvider time, PseudonymizerOptions options, IReadOnlyCollection<string>? entityTypes, IReadOnlyCollection<string>? fakeTypes = null)
    {
        _fakeTypes = new HashSet<string>(fakeTypes ?? options.FakeTypes, StringComparer.Ordinal);
        _id = id;
        _engine = engine;
        _time = time;
        _options = options;
        _types = entityTypes;
        _lastUsed = time.GetTimestamp();
    }

    public string Id
    {
        get
        {
            if (_id is null)
            {
                Interlocked.CompareExchange(ref _id, Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)), null);
            }

            return _id;
        }
    }

    /// <summary>Detection results reused per exact text under <see cref="CacheScope"/> (null: analyse every text).</summary>
    internal DetectionResultCache? Cache { get; init; }

    /// <summary>Whose earlier texts may share detection results (the calling principal in the gateway).</summary>
    internal string? CacheScope { get; init; }

    internal long LastUsedTicks => Interlocked.Read(ref _lastUsed);

    /// <summary>True once the session has issued a realistic fake (restore must then look for more than '&lt;').</summary>
    internal bool IssuedFakes
    {
        get
        {
            lock (_lock)
            {
                return _fakes.Count > 0;
            }
        }
    }

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
        var findings = Cache is { } cache && CacheScope is { } scope && _types is null && ReferenceEquals(cache.Engine, _engine)
            ? cache.Analyze(text, scope)
            : _engine.Analyze(text, _types);
        return Protect(text, findings);
    }

    /// <summary>Replaces the given findings (from the same engine) with surrogates.</summary>
    internal string Protect(string text, IReadOnlyList<Finding> findings)
    {
        Touch();
        if (findings.Count == 0)
        {
            return text;
        }

        // Surrogates first (under the lock), then the result in one string of the exact length.
        var surrogates = System.Buffers.ArrayPool<string?>.Shared.Rent(findings.Count);
        try
        {
            var length = text.Length;
            var pos = 0;
            lock (_lock)
            {
                for (var k = 0; k < findings.Count; k++)
                {
                    var f = findings[k];
                    if (f.Start < pos)
                    {
                        surrogates[k] = null;
                        continue;
                    }

                    var s = SurrogateFor(f.Type, text.Substring(f.Start, f.Length), text);
                    surrogates[k] = s;
                    length += s.Length - f.Length;
                    pos = f.End;
                }
            }

            return string.Create(length, (text, findings, surrogates), static (dest, state) =>
            {
                var (src, found, subs) = state;
                var from = 0;
                for (var k = 0; k < found.Count; k++)
                {
                    if (subs[k] is not { } sub)
                    {
                        continue;
                    }

                    var f = found[k];
                    src.AsSpan(from, f.Start - from).CopyTo(dest);
                    dest = dest[(f.Start - from)..];
                    sub.AsSpan().CopyTo(dest);
                    dest = dest[sub.Length..];
                    from = f.End;
                }

                src.AsSpan(from).CopyTo(dest);
            });
        }
        finally
        {
            System.Buffers.ArrayPool<string?>.Shared.Return(surrogates, clearArray: true);
        }
    }

    private string SurrogateFor(string type, string value, string text)
    {
        System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_counts, type, out _)++;
        if (_forward.TryGetValue((type, value), out var existing))
        {
            return existing;
        }

        if (_forgotten || _forward.Count >= _options.MaxEntriesPerSession)
        {
            return $"<{type}>"; // fail closed: redact rather than keep growing
        }

        var s = WantsFake(type) ? NewFake(type, value, text) : null;
        if (s is null)
        {
            var n = ++System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_next, type, out _);
            s = Surrogates.Format(type, n);
        }
        else
        {
            _fakes.Add(s);
        }

        _forward[(type, value)] = s;
        _reverse[s] = value;
        return s;
    }

    private bool WantsFake(string type) => _fakeTypes.Count > 0 && (_fakeTypes.Contains(type) || _fakeTypes.Contains(PseudonymizerOptions.AllTypes));

    /// <summary>
    /// A fake for <paramref name="value"/> that is not the value itself, does not occur in the text being protected, and
    /// is no original or surrogate this session already holds; null (use a token) when eight attempts collide.
    /// </summary>
    private string? NewFake(string type, string value, string text)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var fake = FakeGenerator.Create(type, value, new FakeRandom(_fakeKey ??= System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), type, value, attempt));
            if (fake is null)
            {
                return null;
            }

            if (fake.Length > 0 && !string.Equals(fake, value, StringComparison.OrdinalIgnoreCase) && !text.Contains(fake, StringComparison.OrdinalIgnoreCase) &&
                !_reverse.ContainsKey(fake) && !_forward.Keys.Any(k => string.Equals(k.Value, fake, StringComparison.OrdinalIgnoreCase)))
            {
                return fake;
            }
        }

        return null;
    }

    /// <summary>Where a streamed buffer may be cut so that no fake is split (the session's lock is taken).</summary>
    internal int SafeCut(string buffer, int cut)
    {
        lock (_lock)
        {
            return _fakes.SafeCut(buffer, cut);
        }
    }

    public string Restore(string text) => Restore(text, inJson: false);

    public string RestoreInJson(string jsonText) => Restore(jsonText, inJson: true);

    internal string Restore(string text, bool inJson)
    {
        ArgumentNullException.ThrowIfNull(text);
        Touch();
        lock (_lock)
        {
            var starts = _fakes.Starts;
            var first = text.AsSpan().IndexOfAny(starts);
            if (first < 0)
            {
                return text;
            }

            var sb = new StringBuilder(text.Length);
            sb.Append(text, 0, first);
            var i = first;
            while (i < text.Length)
            {
                var rel = text.AsSpan(i).IndexOfAny(starts);
                if (rel < 0)
                {
                    sb.Append(text, i, text.Length - i);
                    break;
                }

                var lt = i + rel;
                sb.Append(text, i, lt - i);
                if (text[lt] != '<')
                {
                    if (_fakes.Count > 0 && _fakes.Match(text, lt) is { } fake && _reverse.TryGetValue(fake, out var real))
                    {
                        Append(sb, real, inJson);
                        i = lt + fake.Length;
                    }
                    else
                    {
                        sb.Append(text[lt]);
                        i = lt + 1;
                    }

                    continue;
                }

                var len = Surrogates.Match(text.AsSpan(lt));
                if (len > 0 && _reverse.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(text.AsSpan(lt, len), out var original))
                {
                    Append(sb, original, inJson);
                    i = lt + len;
                }
                else
                {
                    sb.Append('<');
                    i = lt + 1;
                }
            }

            return sb.ToString();
        }
    }

    public IStreamingRestorer CreateStreamingRestorer() => new StreamingRestorer(this, inJson: false);

    public IStreamingRestorer CreateJsonStreamingRestorer() => new StreamingRestorer(this, inJson: true);

    /// <summary>An original as it goes back: as is, or as JSON string content (the same escaping as the gateway's writers).</summary>
    private static void Append(StringBuilder sb, string original, bool inJson) =>
        sb.Append(inJson ? System.Text.Json.JsonEncodedText.Encode(original, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value : original);

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
            _fakes.Clear();
            _forgotten = true;
        }
    }
}
