using System.Buffers;

namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// The key prefixes of the provider rules (<see cref="SecretRule.Literals"/>) in a few searches instead of one search per
/// rule. One <see cref="SearchValues{T}"/> over all of them is slow (its Teddy fingerprints of 45 literals match most of
/// prose), so the rules are grouped by what their literals look like: uppercase and punctuation prefixes ("AKIA", "AC",
/// "SG.", "://", ".eyJ") in a multi-string search (about one plain pass over the text), every hit dispatched by its first
/// character to the rules whose literal starts there; the underscore prefixes ("ghp_", "sk_live_", "hf_"), the dash
/// prefixes ("glpat-", "xoxb-", "sk-", with "GR1348941", Slack's webhook URL and Telegram's ":AA" by 'G' and ':') and
/// Azure's "AccountKey=" by their anchor characters: one search for one to three characters, each occurrence dispatched by
/// the character before it to the literals whose first anchor follows that character.
/// </summary>
internal sealed class SecretLiteralGroups
{
    /// <summary>
    /// The rules of each group, by <see cref="SecretRule.Kind"/>, and its anchor characters (none: a multi-string search);
    /// a rule with literals not listed gets a group of its own.
    /// </summary>
    private static readonly (string[] Kinds, string Anchors)[] GroupKinds =
    [
        (["aws_access_key_id", "google_api_key", "artifactory_token", "sendgrid_api_key", "twilio_key", "url_credentials", "jwt"], ""),
        (["github_token", "stripe_key", "npm_token", "huggingface_token"], "_"),
        (["gitlab_token", "slack_token", "anthropic_api_key", "openai_api_key", "mailchimp_api_key", "pypi_token", "telegram_bot_token"], "-:G"),
        (["azure_storage_key"], "="),
    ];

    private SecretLiteralGroups(Group[] groups) => Groups = groups;

    /// <summary>The groups; every rule with literals is in exactly one.</summary>
    public IReadOnlyList<Group> Groups { get; }

    /// <summary>Groups the rules with literals of <paramref name="rules"/> (indexes into it).</summary>
    public static SecretLiteralGroups Create(IReadOnlyList<SecretRule> rules)
    {
        var withLiterals = Enumerable.Range(0, rules.Count).Where(i => rules[i].Literals is not null).ToList();
        var groups = new List<Group>();
        foreach (var (kinds, anchors) in GroupKinds)
        {
            var members = withLiterals.Where(i => kinds.Contains(rules[i].Kind, StringComparer.Ordinal)).ToArray();
            if (members.Length > 0)
            {
                groups.Add(new Group(rules, members, anchors));
                withLiterals.RemoveAll(members.Contains);
            }
        }

        groups.AddRange(withLiterals.Select(i => new Group(rules, [i], "")));
        return new SecretLiteralGroups([.. groups]);
    }

    /// <summary>One search over the literals of some rules: multi-string, or by an anchor character.</summary>
    internal sealed class Group
    {
        private readonly (string Literal, int Rule)[][] _byFirstChar = new (string, int)[128][];

        private readonly (string Literal, int Offset, int Rule)[][] _byCharBeforeAnchor = new (string, int, int)[128][];

        private readonly (string Literal, int Offset, int Rule)[] _anchorFirst = [];

        public Group(IReadOnlyList<SecretRule> rules, int[] members, string anchors)
        {
            Rules = members;
            var literals = members.SelectMany(r => rules[r].Literals!.Select(l => (Literal: l, Rule: r))).ToArray();
            if (literals.Any(l => l.Literal.Length == 0 || !System.Text.Ascii.IsValid(l.Literal)))
            {
                throw new ArgumentException("Provider literals must be ASCII and not empty.", nameof(rules));
            }

            Search = SearchValues.Create([.. literals.Select(l => l.Literal).Distinct()], StringComparison.Ordinal);
            for (var c = 0; c < _byFirstChar.Length; c++)
            {
                _byFirstChar[c] = [.. literals.Where(l => l.Literal[0] == c)];
            }

            // By anchors only when every literal holds one and consists of its rule's characters. Each literal is found at its
            // first anchor; two literals of one rule found out of text order then overlap, so they lie in one run of the rule and
            // the rule's run is matched once either way.
            if (anchors.Length is >= 1 and <= 3 && literals.All(l => l.Literal.AsSpan().IndexOfAny(anchors) >= 0 && l.Literal.All(rules[l.Rule].Alphabet.Contains)))
            {
                Anchors = anchors;
                var entries = literals.Select(l => (l.Literal, Offset: l.Literal.AsSpan().IndexOfAny(anchors), l.Rule)).ToArray();
                _anchorFirst = [.. entries.Where(e => e.Offset == 0)];
                for (var c = 0; c < _byCharBeforeAnchor.Length; c++)
                {
                    _byCharBeforeAnchor[c] = [.. entries.Where(e => e.Offset > 0 && e.Literal[e.Offset - 1] == c)];
                }
            }
        }

        /// <summary>Indexes of the rules whose literals this group searches.</summary>
        public int[] Rules { get; }

        public SearchValues<string> Search { get; }

        /// <summary>One to three characters one of which every literal of the group holds, when the group is searched by them; else null.</summary>
        public string? Anchors { get; }

        /// <summary>The literals (and their rules) that start with <paramref name="c"/> (an ASCII character a hit starts with).</summary>
        public ReadOnlySpan<(string Literal, int Rule)> StartingWith(char c) => c < 128 ? _byFirstChar[c] : [];

        /// <summary>
        /// The literals (with the offset of their first anchor, and their rule) whose first anchor comes right after
        /// <paramref name="before"/>; <see langword="null"/>: the literals that start with an anchor.
        /// </summary>
        public ReadOnlySpan<(string Literal, int Offset, int Rule)> AnchoredAfter(char? before) =>
            before is not { } c ? _anchorFirst : c < 128 ? _byCharBeforeAnchor[c] : [];
    }
}
