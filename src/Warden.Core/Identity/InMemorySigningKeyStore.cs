namespace Warden.Core.Identity;

/// <summary>Keys kept in memory only (tests, and single-process use where restarts may invalidate tokens).</summary>
public sealed class InMemorySigningKeyStore : ISigningKeyStore
{
    private readonly Lock _gate = new();
    private readonly List<SigningKeyMaterial> _keys = [];

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SigningKeyMaterial>> ListAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<SigningKeyMaterial> list = _keys.Where(k => k.CreatedAt >= since).OrderByDescending(k => k.CreatedAt).ToList();
            return ValueTask.FromResult(list);
        }
    }

    /// <inheritdoc />
    public ValueTask AddAsync(SigningKeyMaterial key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _keys.Add(key);
        }

        return ValueTask.CompletedTask;
    }
}
