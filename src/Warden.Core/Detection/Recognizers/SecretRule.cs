using System.Buffers;
using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// One provider secret shape: its pattern, score, the shortest match it can have, characters every match contains (<paramref name="Anchors"/>) and the
/// characters a match consists of (<paramref name="Alphabet"/>). <paramref name="Literals"/>: strings one of which every
/// match contains (its key prefixes); <paramref name="AcceptLiterals"/>: strings one of which every accepted match contains.
/// A run without them is skipped before the pattern runs.
/// </summary>
internal sealed record SecretRule(string Kind, Regex Pattern, double Score, int MinLength, string Anchors, CharClass Alphabet, string[]? Literals = null, string[]? AcceptLiterals = null)
{
    /// <summary>One vectorized search for the rule's literals (null when it has none).</summary>
    public SearchValues<string>? LiteralSearch { get; } = Literals is null ? null : SearchValues.Create(Literals, StringComparison.Ordinal);
    private readonly SearchValues<string>? _acceptLiterals = AcceptLiterals is null ? null : SearchValues.Create(AcceptLiterals, StringComparison.Ordinal);

    /// <summary>A necessary condition for an accepted match in <paramref name="run"/>: it holds a literal (and an accept literal).</summary>
    public bool RunMayMatch(ReadOnlySpan<char> run) =>
        (_acceptLiterals is null || run.IndexOfAny(_acceptLiterals) >= 0);
}
