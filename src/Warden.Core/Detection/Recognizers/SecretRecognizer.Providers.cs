namespace Warden.Core.Detection.Recognizers;

/// <summary>Provider keys: the rules' literal searches, grouped, and the pattern runs around each hit.</summary>
internal sealed partial class SecretRecognizer
{
    /// <summary>
    /// Hits of a group's search inside runs its rules already covered ("sk-sk-sk-…") after which the group's rules
    /// search their own literals (each search then resumes after the rule's run, so a wall of one prefix costs one run).
    /// </summary>
    private const int WastedHitBudget = 64;

    /// <summary>Anchors of an anchored group that start no match (see <see cref="ScanAnchoredGroup"/>) before its multi-string search takes over.</summary>
    private const int IdleAnchorBudget = 32;

    /// <summary>Per thread, the provider findings of one call with their rule (reordered by rule before they are reported).</summary>
    [ThreadStatic]
    private static List<(int Rule, Finding Finding)>? t_found;

    /// <summary>
    /// Provider keys. Every match of a rule with literals (key prefixes such as "ghp_", "sk-", "AKIA") contains one, so the
    /// rule's pattern runs only over the run of its token characters around each occurrence, once per run (a later
    /// occurrence inside the run is skipped). The literals of all rules are found by a few grouped vectorized searches
    /// (<see cref="SecretLiteralGroups"/>) instead of one pass per rule; each hit goes to the rules whose literal starts
    /// there. A group that keeps hitting inside runs its rules have covered (a wall of one prefix) hands its rules to their
    /// own searches, which jump over covered runs. The findings are reported rule by rule, in the order of the per-rule
    /// scan (<see cref="FindProviderKeysReference"/>). The rule without literals (Discord) runs at anchors followed by more
    /// of a key.
    /// </summary>
    private void FindProviderKeys(string text, List<Finding> results)
    {
        var span = text.AsSpan();
        // Per rule: where its last run ended; a later occurrence inside that run was already covered.
        Span<int> covered = stackalloc int[Rules.Length];
        var found = t_found ?? [];
        t_found = null;
        try
        {
            foreach (var group in LiteralGroups.Groups)
            {
                ScanGroup(text, group, covered, found);
            }

            ReportByRule(found, results);
            found.Clear();
            FindUnprefixedKeys(text, covered, found);
            foreach (var (_, finding) in found)
            {
                results.Add(finding);
            }
        }
        finally
        {
            found.Clear();
            if (found.Capacity <= 1 << 16)
            {
                t_found = found;
            }
        }
    }

    private void ScanGroup(string text, SecretLiteralGroups.Group group, Span<int> covered, List<(int Rule, Finding Finding)> found)
    {
        if (group.Anchors is { } anchors)
        {
            ScanAnchoredGroup(text, group, anchors, covered, found);
        }
        else
        {
            ScanLiterals(text, group, 0, covered, found);
        }
    }

    /// <summary>The group's multi-string search from <paramref name="from"/>.</summary>
    private void ScanLiterals(string text, SecretLiteralGroups.Group group, int from, Span<int> covered, List<(int Rule, Finding Finding)> found)
    {
        var span = text.AsSpan();
        var wasted = 0;
        var pos = from;
        while (pos < span.Length)
        {
            var rel = span[pos..].IndexOfAny(group.Search);
            if (rel < 0)
            {
                return;
            }

            var at = pos + rel;
            var useful = false;
            foreach (var (literal, rule) in group.StartingWith(span[at]))
            {
                if (at >= covered[rule] && span[at..].StartsWith(literal, StringComparison.Ordinal))
                {
                    MatchRun(text, rule, at, covered, found);
                    useful = true;
                }
            }

            if (!useful && ++wasted > WastedHitBudget)
            {
                // Each rule's own search from here on: the occurrences it finds at or after its covered end are exactly the
                // ones this search would have dispatched to it.
                foreach (var rule in group.Rules)
                {
                    ScanRule(text, rule, at, covered, found);
                }

                return;
            }

            pos = at + 1;
        }
    }

    /// <summary>
    /// A group searched by its anchor characters: at each occurrence, the literals whose first anchor follows the character
    /// before it (and those that start with an anchor). Every occurrence of a literal is found once, at its first anchor,
    /// and a rule's run is matched from its first occurrence not covered, as the multi-string search would (see
    /// <see cref="SecretLiteralGroups.Group"/> for two literals found out of order). Linear: a bounded check per anchor.
    /// Anchors that start no match (a wall of colons or dashes) each cost a search restart, so after
    /// <see cref="IdleAnchorBudget"/> of them the group's multi-string search takes over after the last anchor visited (a
    /// literal starting at or before it has its first anchor there or earlier: it holds no anchor before its first).
    /// </summary>
    private void ScanAnchoredGroup(string text, SecretLiteralGroups.Group group, string anchors, Span<int> covered, List<(int Rule, Finding Finding)> found)
    {
        var span = text.AsSpan();
        var pos = 0;
        var idle = 0;
        while (pos < span.Length)
        {
            var rel = anchors.Length switch
            {
                1 => span[pos..].IndexOf(anchors[0]),
                2 => span[pos..].IndexOfAny(anchors[0], anchors[1]),
                _ => span[pos..].IndexOfAny(anchors[0], anchors[1], anchors[2]),
            };
            if (rel < 0)
            {
                return;
            }

            var q = pos + rel;
            var useful = false;
            foreach (var (literal, offset, rule) in group.AnchoredAfter(q > 0 ? span[q - 1] : null))
            {
                var at = q - offset;
                if (literal[offset] == span[q] && at >= 0 && at >= covered[rule] && span[at..].StartsWith(literal, StringComparison.Ordinal))
                {
                    MatchRun(text, rule, at, covered, found);
                    useful = true;
                }
            }

            foreach (var (literal, _, rule) in group.AnchoredAfter(null))
            {
                if (literal[0] == span[q] && q >= covered[rule] && span[q..].StartsWith(literal, StringComparison.Ordinal))
                {
                    MatchRun(text, rule, q, covered, found);
                    useful = true;
                }
            }

            if (!useful && ++idle > IdleAnchorBudget)
            {
                ScanLiterals(text, group, q + 1, covered, found);
                return;
            }

            pos = q + 1;
        }
    }

    /// <summary>One rule's own literal search from <paramref name="from"/> (each search resumes after the run it covered).</summary>
    private void ScanRule(string text, int ruleIndex, int from, Span<int> covered, List<(int Rule, Finding Finding)> found)
    {
        var span = text.AsSpan();
        var literals = Rules[ruleIndex].LiteralSearch!;
        var pos = Math.Max(from, covered[ruleIndex]);
        while (pos < span.Length)
        {
            var rel = span[pos..].IndexOfAny(literals);
            if (rel < 0)
            {
                break;
            }

            var at = pos + rel;
            MatchRun(text, ruleIndex, at, covered, found);
            pos = Math.Max(at + 1, covered[ruleIndex]);
        }
    }

    /// <summary>Adds the findings to <paramref name="results"/> by rule (stable: in text order within a rule).</summary>
    private static void ReportByRule(List<(int Rule, Finding Finding)> found, List<Finding> results)
    {
        if (found.Count == 0)
        {
            return;
        }

        Span<int> next = stackalloc int[Rules.Length + 1];
        foreach (var (rule, _) in found)
        {
            next[rule + 1]++;
        }

        for (var r = 1; r < next.Length; r++)
        {
            next[r] += next[r - 1];
        }

        var first = results.Count;
        System.Runtime.InteropServices.CollectionsMarshal.SetCount(results, first + found.Count);
        var slots = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(results)[first..];
        foreach (var (rule, finding) in found)
        {
            slots[next[rule]++] = finding;
        }
    }

    /// <summary>
    /// The rules without literals (Discord): at each anchor followed by more of a key. With Discord alone, only the dots with
    /// another dot seven characters later (<see cref="IndexOfDotPair"/>): the others fail <see cref="DiscordFirstDotAt"/>.
    /// Otherwise the anchors are searched with <see cref="FollowedAnchors"/>, which passes over anchors followed by a space,
    /// tab or line break (the dots that end sentences) a block at a time; no rule's alphabet holds those, so exactly the
    /// anchors the loop below could use are found.
    /// </summary>
    private void FindUnprefixedKeys(string text, Span<int> covered, List<(int Rule, Finding Finding)> found)
    {
        var span = text.AsSpan();
        var p = 0;
        while (p < span.Length)
        {
            var rel = OnlyDiscordUnprefixed ? IndexOfDotPair(span[p..])
                : UnprefixedAnchorString is { } anchors ? FollowedAnchors.IndexOf(span[p..], anchors)
                : span[p..].IndexOfAny(AnchorChars);
            if (rel < 0)
            {
                break;
            }

            var at = p + rel;
            p = at + 1;
            foreach (var ruleIndex in ByAnchor[span[at]])
            {
                // Every anchor is followed by more of the key: sentence dots are skipped.
                if (at >= covered[ruleIndex] && at + 1 < span.Length && Rules[ruleIndex].Alphabet.Contains(span[at + 1])
                    && (Rules[ruleIndex].Kind != DiscordKind || DiscordFirstDotAt(span, at)))
                {
                    MatchRun(text, ruleIndex, at, covered, found);
                }
            }
        }
    }

    private const string DiscordKind = "discord_bot_token";

    /// <summary>
    /// Whether the dot at <paramref name="at"/> can be the first dot of a match of <see cref="SecretPatterns.Discord"/>: 23 to
    /// 26 key characters ([A-Za-z0-9_-], [MNO] included) before it, exactly six after it, then a dot. Every run that holds a
    /// match holds such a dot, and the pattern runs over the whole run, so skipping the other dots (file names, host names,
    /// version numbers) finds the same keys.
    /// </summary>
    internal static bool DiscordFirstDotAt(ReadOnlySpan<char> text, int at) =>
        at >= 23 && at + 7 < text.Length && text[at + 7] == '.'
        && text.Slice(at + 1, 6).IndexOfAnyExcept(TokenChars) < 0 && text.Slice(at - 23, 23).IndexOfAnyExcept(TokenChars) < 0;

    /// <summary>Runs one rule's pattern over the run of its characters around <paramref name="at"/>.</summary>
    private void MatchRun(string text, int ruleIndex, int at, Span<int> covered, List<(int Rule, Finding Finding)> found)
    {
        var span = text.AsSpan();
        var rule = Rules[ruleIndex];
        var (from, to) = rule.Alphabet.RunAround(span, at, covered[ruleIndex]);
        covered[ruleIndex] = to;
        if (to - from < rule.MinLength || !rule.RunMayMatch(span[from..to]))
        {
            return;
        }

        if (rule.Kind == AwsKind)
        {
            // The most frequent key in prompts: matched by hand (a regex call costs about a microsecond per run).
            for (var i = AwsKeyFrom(span[from..to], 0); i >= 0; i = AwsKeyFrom(span[from..to], i + AwsKeyLength))
            {
                Report(text, ruleIndex, from + i, from + i + AwsKeyLength, found);
            }

            return;
        }

        if (rule.Kind == UrlCredentialsKind)
        {
            // In every connection-string paragraph of a prompt: matched by hand, like the AWS key ids.
            for (var i = 0; UrlCredentialsFrom(span[from..to], i) is var (s, e) && e > 0; i = e)
            {
                Report(text, ruleIndex, from + s, from + e, found);
            }

            return;
        }

        foreach (var m in rule.Pattern.EnumerateMatches(span[from..to]))
        {
            Report(text, ruleIndex, from + m.Index, from + m.Index + m.Length, found);
        }
    }

    private void Report(string text, int ruleIndex, int start, int end, List<(int Rule, Finding Finding)> found)
    {
        var rule = Rules[ruleIndex];
        if (Accept(rule.Kind, text, ref start, ref end))
        {
            found.Add((ruleIndex, new Finding(Detection.EntityTypes.Secret, start, end, rule.Score, Name, rule.Kind)));
        }
    }

    /// <summary>
    /// The scan before the grouped searches (for the differential test): each rule with literals searches its own, then
    /// the rules without literals.
    /// </summary>
    internal void FindProviderKeysReference(string text, List<Finding> results)
    {
        Span<int> covered = stackalloc int[Rules.Length];
        List<(int Rule, Finding Finding)> found = [];
        for (var ruleIndex = 0; ruleIndex < Rules.Length; ruleIndex++)
        {
            if (Rules[ruleIndex].LiteralSearch is not null)
            {
                ScanRule(text, ruleIndex, 0, covered, found);
            }
        }

        FindUnprefixedKeys(text, covered, found);
        results.AddRange(found.Select(f => f.Finding));
    }

    /// <summary>The provider-key scan alone (for the differential test).</summary>
    internal void FindProviderKeysForTests(string text, List<Finding> results) => FindProviderKeys(text, results);
}
