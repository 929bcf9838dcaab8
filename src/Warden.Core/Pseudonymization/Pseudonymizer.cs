using System.Collections.Concurrent;
using Warden.Core.Detection;

namespace Warden.Core.Pseudonymization;

/// <summary>
/// The in-memory vault: sessions keyed by id, each holding its original↔surrogate mapping, expiring
/// <see cref="PseudonymizerOptions.Ttl"/> after last use (measured with <see cref="TimeProvider"/>).
/// Nothing is written to disk; an expired or evicted session forgets its mapping.
/// </summary>
public sealed class Pseudonymizer : IPseudonymizer
{
    private readonly ConcurrentDictionary<string, PseudonymizationSession> _sessions = new(StringComparer.Ordinal);
    private readonly DetectionEngine _engine;
    private readonly TimeProvider _time;
    private readonly DetectionResultCache? _cache;
    private long _opens;

    public Pseudonymizer(DetectionEngine engine, TimeProvider time, PseudonymizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(time);
        Options = options ?? new PseudonymizerOptions();
        Options.Validate();
        _engine = engine;
        _time = time;
        _cache = Options.DetectionCacheEntries > 0 ? new DetectionResultCache(engine, Options.DetectionCacheEntries) : null;
    }

    public PseudonymizerOptions Options { get; }

    /// <summary>Sessions currently held (expired ones are dropped on the next open).</summary>
    public int SessionCount => _sessions.Count;

    public IPseudonymizationSession OpenSession(string? sessionId = null, IReadOnlyCollection<string>? entityTypes = null) =>
        OpenSession(sessionId, entityTypes, null);

    /// <summary>Detection results reused per exact text and scope (null when <see cref="PseudonymizerOptions.DetectionCacheEntries"/> is 0).</summary>
    internal DetectionResultCache? DetectionCache => _cache;

    public IPseudonymizationSession OpenSession(string? sessionId, IReadOnlyCollection<string>? entityTypes, IReadOnlyCollection<string>? fakeTypes) =>
        OpenSession(sessionId, entityTypes, fakeTypes, null);

    public IPseudonymizationSession OpenSession(string? sessionId, IReadOnlyCollection<string>? entityTypes, IReadOnlyCollection<string>? fakeTypes, string? cacheScope)
    {
        if (Interlocked.Increment(ref _opens) % 64 == 0 || _sessions.Count >= Options.MaxSessions)
        {
            Sweep();
        }

        if (sessionId is null)
        {
            // An anonymous session cannot be resumed, so it is not held in the vault: it lives as long as its request,
            // and a full vault can never evict it while the request still uses it. Its random id is drawn on first read.
            var anonymous = new PseudonymizationSession(null, _engine, _time, Options, entityTypes, fakeTypes)
            {
                Cache = cacheScope is null ? null : _cache,
                CacheScope = cacheScope,
            };
            anonymous.TryTouch();
            return anonymous;
        }

        if (sessionId.Length is 0 or > 128)
        {
            throw new ArgumentException("session id must be 1..128 characters", nameof(sessionId));
        }

        while (true)
        {
            var session = _sessions.GetOrAdd(sessionId, id => new PseudonymizationSession(id, _engine, _time, Options, entityTypes, fakeTypes)
            {
                Cache = cacheScope is null ? null : _cache,
                CacheScope = cacheScope,
            });
            if (session.TryTouch())
            {
                return session;
            }

            // Expired between lookups: forget it and start afresh under the same id.
            _sessions.TryRemove(new KeyValuePair<string, PseudonymizationSession>(sessionId, session));
        }
    }

    /// <summary>Drops expired sessions, then the least recently used beyond the limit.</summary>
    public void Sweep()
    {
        foreach (var (id, s) in _sessions)
        {
            if (s.IsExpired())
            {
                s.Forget();
                _sessions.TryRemove(new KeyValuePair<string, PseudonymizationSession>(id, s));
            }
        }

        var excess = _sessions.Count - Options.MaxSessions + 1;
        if (excess > 0)
        {
            foreach (var (id, s) in _sessions.OrderBy(kv => kv.Value.LastUsedTicks).Take(excess).ToArray())
            {
                s.Forget();
                _sessions.TryRemove(new KeyValuePair<string, PseudonymizationSession>(id, s));
            }
        }
    }
}
