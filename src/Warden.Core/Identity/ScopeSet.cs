namespace Warden.Core.Identity;

/// <summary>An immutable set of scopes (a user's rights, an agent's ceiling, or a grant).</summary>
public sealed class ScopeSet
{
    private readonly Scope[] _scopes;

    /// <summary>Creates a set from parsed scopes (duplicates removed, order kept).</summary>
    public ScopeSet(IEnumerable<Scope> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        _scopes = scopes.Distinct().ToArray();
    }

    /// <summary>The empty set: grants nothing.</summary>
    public static ScopeSet Empty { get; } = new([]);

    /// <summary>The scopes.</summary>
    public IReadOnlyList<Scope> Items => _scopes;

    /// <summary>Parses scope strings; throws <see cref="FormatException"/> naming the first bad one.</summary>
    public static ScopeSet Parse(IEnumerable<string>? scopes) =>
        scopes is null ? Empty : new ScopeSet(scopes.Select(Scope.Parse));

    /// <summary>Parses an OAuth space-separated scope parameter.</summary>
    public static ScopeSet ParseSpaceSeparated(string? scope) =>
        string.IsNullOrWhiteSpace(scope) ? Empty : Parse(scope.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>True when some scope in this set covers <paramref name="wanted"/>.</summary>
    public bool Covers(Scope wanted)
    {
        foreach (var s in _scopes)
        {
            if (s.Covers(wanted))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The largest set of scopes covered by both sets, read-only unless <paramref name="keepWrite"/>.
    /// Exact for this pattern language: two prefix patterns either nest or are disjoint.
    /// </summary>
    public ScopeSet Intersect(ScopeSet other, bool keepWrite)
    {
        ArgumentNullException.ThrowIfNull(other);
        var result = new List<Scope>();
        foreach (var a in _scopes)
        {
            foreach (var b in other._scopes)
            {
                if (a.Kind != b.Kind)
                {
                    continue;
                }

                string? resource = Scope.PatternCovers(a.Resource, b.Resource) ? b.Resource
                    : Scope.PatternCovers(b.Resource, a.Resource) ? a.Resource : null;
                if (resource is null)
                {
                    continue;
                }

                var access = keepWrite && a.Access == ScopeAccess.Write && b.Access == ScopeAccess.Write
                    ? ScopeAccess.Write : ScopeAccess.Read;
                result.Add(new Scope(a.Kind, resource, access));
            }
        }

        // Drop entries covered by another entry so the grant stays minimal and readable.
        var minimal = result.Distinct().Where((s, i) => !result.Where((o, j) => j != i && o != s && o.Covers(s)).Any()).ToList();
        return new ScopeSet(minimal);
    }

    /// <summary>The OAuth space-separated form.</summary>
    public override string ToString() => string.Join(' ', _scopes.Select(s => s.ToString()));
}
