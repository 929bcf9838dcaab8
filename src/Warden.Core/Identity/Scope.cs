using System.Diagnostics.CodeAnalysis;

namespace Warden.Core.Identity;

/// <summary>
/// One grant item: <c>kind:resource[:access]</c>, for example <c>llm:openai/gpt-4o:read</c>,
/// <c>tool:github.search:write</c>, <c>data:pii</c>. The resource is exact, or ends in <c>*</c>
/// (prefix match; <c>*</c> alone matches everything). Access defaults to read; write includes read.
/// </summary>
public readonly record struct Scope(ScopeKind Kind, string Resource, ScopeAccess Access)
{
    private const int MaxLength = 512;

    /// <summary>Parses a scope or throws <see cref="FormatException"/> with a reason.</summary>
    public static Scope Parse(string text)
    {
        if (!TryParse(text, out var scope, out var error))
        {
            throw new FormatException(error);
        }

        return scope;
    }

    /// <summary>Parses a scope; on failure <paramref name="error"/> says why (never throws).</summary>
    public static bool TryParse(string? text, out Scope scope, [NotNullWhen(false)] out string? error)
    {
        scope = default;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            error = "scope is empty or too long";
            return false;
        }

        var first = text.IndexOf(':', StringComparison.Ordinal);
        if (first <= 0)
        {
            error = $"scope '{Truncate(text)}' must look like kind:resource[:read|write]";
            return false;
        }

        ScopeKind kind;
        switch (text.AsSpan(0, first))
        {
            case "llm": kind = ScopeKind.Llm; break;
            case "tool": kind = ScopeKind.Tool; break;
            case "data": kind = ScopeKind.Data; break;
            default:
                error = $"scope '{Truncate(text)}' has an unknown kind (llm, tool or data)";
                return false;
        }

        var rest = text[(first + 1)..];
        var access = ScopeAccess.Read;
        var last = rest.LastIndexOf(':');
        if (last >= 0)
        {
            var suffix = rest.AsSpan(last + 1);
            if (suffix.SequenceEqual("read"))
            {
                rest = rest[..last];
            }
            else if (suffix.SequenceEqual("write"))
            {
                access = ScopeAccess.Write;
                rest = rest[..last];
            }
        }

        if (rest.Length == 0)
        {
            error = $"scope '{Truncate(text)}' has no resource";
            return false;
        }

        foreach (var c in rest)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c == '"' || c == '\\')
            {
                error = $"scope '{Truncate(text)}' contains a character that is not allowed";
                return false;
            }
        }

        var star = rest.IndexOf('*', StringComparison.Ordinal);
        if (star >= 0 && star != rest.Length - 1)
        {
            error = $"scope '{Truncate(text)}': '*' is only allowed at the end of the resource";
            return false;
        }

        scope = new Scope(kind, rest, access);
        error = null;
        return true;
    }

    /// <summary>True when this scope grants everything <paramref name="other"/> asks for.</summary>
    public bool Covers(Scope other) =>
        Kind == other.Kind && Access >= other.Access && PatternCovers(Resource, other.Resource);

    /// <summary>True when the resource pattern <paramref name="outer"/> includes every resource <paramref name="inner"/> can name.</summary>
    internal static bool PatternCovers(string outer, string inner)
    {
        if (outer.Length > 0 && outer[^1] == '*')
        {
            return inner.AsSpan().StartsWith(outer.AsSpan(0, outer.Length - 1), StringComparison.Ordinal);
        }

        return string.Equals(outer, inner, StringComparison.Ordinal);
    }

    /// <summary>The canonical text form, always with the access suffix.</summary>
    public override string ToString() =>
        $"{KindName(Kind)}:{Resource}:{(Access == ScopeAccess.Write ? "write" : "read")}";

    /// <summary>The scope a concrete resource needs, e.g. (<c>Llm</c>, <c>openai/gpt-4o</c>, read).</summary>
    public static Scope For(ScopeKind kind, string resource, ScopeAccess access = ScopeAccess.Read) => new(kind, resource, access);

    internal static string KindName(ScopeKind kind) => kind switch
    {
        ScopeKind.Llm => "llm",
        ScopeKind.Tool => "tool",
        _ => "data",
    };

    private static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "...";
}
