using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Warden.Core.Detection;

/// <summary>
/// A bounded, in-memory cache of one engine's findings per exact text, so that a text sent again (a system prompt, the
/// earlier turns of a conversation that every new turn re-sends) is not analysed again.
/// <list type="bullet">
/// <item>It holds <b>no text</b>: an entry is keyed by SHA-256 over a random key that lives only in this process, the
/// scope and the text, and holds only the findings (type, offsets, score, recognizer).</item>
/// <item>Entries are <b>per scope</b> (the gateway uses the calling principal), so one caller cannot learn from the
/// response time whether another caller recently sent a given text.</item>
/// <item><b>Bounded</b>: a fixed number of slots (direct-mapped by the key: a new entry replaces the slot's old one), at
/// most <see cref="MaxFindingsPerEntry"/> findings per entry; texts shorter than <see cref="MinLength"/> are not cached
/// (analysing them costs about as much as the key).</item>
/// <item>Results are exactly those of <see cref="DetectionEngine.Analyze"/> on the same engine (same options snapshot):
/// the engine is deterministic, so a hit changes nothing but the time taken.</item>
/// </list>
/// Thread-safe and lock-free: a slot holds an immutable entry, read and replaced atomically.
/// </summary>
internal sealed class DetectionResultCache
{
    /// <summary>Texts shorter than this are analysed every time.</summary>
    public const int MinLength = 64;

    /// <summary>Results with more findings than this are not cached (bounds the memory of one entry).</summary>
    public const int MaxFindingsPerEntry = 128;

    private readonly DetectionEngine _engine;
    private readonly Entry?[] _slots;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private long _hits;
    private long _misses;

    /// <param name="engine">The engine whose results are cached.</param>
    /// <param name="capacity">Number of entries (rounded up to a power of two), at least 1.</param>
    public DetectionResultCache(DetectionEngine engine, int capacity)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _engine = engine;
        _slots = new Entry?[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity)];
    }

    public DetectionEngine Engine => _engine;

    /// <summary>Number of slots.</summary>
    public int Capacity => _slots.Length;

    /// <summary>Lookups answered from the cache.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Lookups that ran the engine.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>The engine's findings for <paramref name="text"/> (all entity types), from the cache when this scope analysed the same text before.</summary>
    public IReadOnlyList<Finding> Analyze(string text, string scope)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(scope);
        if (text.Length < MinLength)
        {
            return _engine.Analyze(text);
        }

        var key = KeyOf(scope, text);
        var slot = (int)(key.A & (ulong)(_slots.Length - 1));
        var entry = Volatile.Read(ref _slots[slot]);
        if (entry is not null && entry.Key.Equals(key) && entry.Length == text.Length)
        {
            Interlocked.Increment(ref _hits);
            return [.. entry.Findings];
        }

        Interlocked.Increment(ref _misses);
        var findings = _engine.Analyze(text);
        if (findings.Count <= MaxFindingsPerEntry)
        {
            Volatile.Write(ref _slots[slot], new Entry(key, text.Length, [.. findings]));
        }

        return findings;
    }

    /// <summary>
    /// SHA-256 over the process key ‖ UTF-16 scope ‖ NUL ‖ UTF-16 text (a secret-prefix MAC: the digest never leaves the
    /// cache, so length extension does not apply; scopes hold no NUL, so the split is unambiguous). The parts are fed to one
    /// incremental hash per thread, straight from the strings: the text is not copied into a buffer that must then be
    /// cleared (the digest is the same as hashing the concatenation at once).
    /// </summary>
    private Key256 KeyOf(string scope, string text)
    {
        var hash = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> digest = stackalloc byte[32];
        try
        {
            hash.AppendData(_key);
            hash.AppendData(MemoryMarshal.AsBytes(scope.AsSpan()));
            hash.AppendData([0, 0]);
            hash.AppendData(MemoryMarshal.AsBytes(text.AsSpan()));
            hash.GetHashAndReset(digest);
        }
        catch
        {
            // A half-fed hash must not be reused.
            t_sha256 = null;
            hash.Dispose();
            throw;
        }

        var words = MemoryMarshal.Cast<byte, ulong>(digest);
        return new Key256(words[0], words[1], words[2], words[3]);
    }

    /// <summary>Per thread, the hash the keys are computed with (reset after every key).</summary>
    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    private readonly record struct Key256(ulong A, ulong B, ulong C, ulong D);

    private sealed record Entry(Key256 Key, int Length, Finding[] Findings);
}
