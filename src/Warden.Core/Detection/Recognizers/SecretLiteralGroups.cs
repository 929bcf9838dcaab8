using System.Buffers;

namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// The key prefixes of the provider rules (<see cref="SecretRule.Literals"/>) in a few vectorized multi-string searches
/// instead of one search per rule. One <see cref="SearchValues{T}"/> over all of them is slow (its Teddy fingerprints of
/// 45 literals match most of prose), so the rules are grouped by what their literals look like: uppercase prefixes
/// ("AKIA", "AC", "SG.", "://"), underscore prefixes ("ghp_", "sk_live_", ".eyJ"), dash prefixes ("glpat-", "xoxb-",
/// "sk-") and Azure's "AccountKey=". Each group stays a cheap Teddy search (about one plain pass over the text), and every
/// hit is dispatched by its first character to the rules whose literal starts there.
/// </summary>
internal sealed class SecretLiteralGroups
{
    /// <summary>The rules of each group, by <see cref="SecretRule.Kind"/>; a rule with literals not listed gets a group of its own.</summary>
    private static readonly string[][] GroupKinds =
    [
        ["aws_access_key_id", "google_api_key", "artifactory_token", "sendgrid_api_key", "twilio_key", "url_credentials"],
        ["github_token", "stripe_key", "npm_token", "huggingface_token", "telegram_bot_token", "jwt"],
        ["gitlab_token", "slack_token", "anthropic_api_key", "openai_api_key", "mailchimp_api_key", "pypi_token"],
        ["azure_storage_key"],
    ];

    private SecretLiteralGroups(Group[] groups) => Groups = groups;

    /// <summary>The groups; every rule with literals is in exactly one.</summary>
    public IReadOnlyList<Group> Groups { get; }

    /// <summary>Groups the rules with literals of <paramref name="rules"/> (indexes into it).</summary>
    public static SecretLiteralGroups Create(IReadOnlyList<SecretRule> rules)
    {
        var withLiterals = Enumerable.Range(0, rules.Count).Where(i => rules[i].Literals is not null).ToList();
        var groups = new List<Group>();
        foreach (var kinds in GroupKinds)
        {
            var members = withLiterals.Where(i => kinds.Contains(rules[i].Kind, StringComparer.Ordinal)).ToArray();
            if (members.Length > 0)
            {
                groups.Add(new Group(rules, members));
                withLiterals.RemoveAll(members.Contains);
            }
        }

        groups.AddRange(withLiterals.Select(i => new Group(rules, [i])));
        return new SecretLiteralGroups([.. groups]);
    }

    /// <summary>One multi-string search over the literals of some rules.</summary>
    internal sealed class Group
    {
        private readonly (string Literal, int Rule)[][] _byFirstChar = new (string, int)[128][];

        public Group(IReadOnlyList<SecretRule> rules, int[] members)
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
        }

        /// <summary>Indexes of the rules whose literals this group searches.</summary>
        public int[] Rules { get; }

        public SearchValues<string> Search { get; }

        /// <summary>The literals (and their rules) that start with <paramref name="c"/> (an ASCII character a hit starts with).</summary>
        public ReadOnlySpan<(string Literal, int Rule)> StartingWith(char c) => c < 128 ? _byFirstChar[c] : [];
    }
}
