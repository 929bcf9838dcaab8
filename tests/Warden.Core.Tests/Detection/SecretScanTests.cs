using System.Text;
using Warden.Core.Detection;
using Warden.Core.Detection.Recognizers;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// The grouped literal searches of the provider-key scan must report exactly what the per-rule searches reported, in the
/// same order (the overlap resolver's sort is not stable). Differential tests on generated texts dense with literals,
/// near-misses and walls of one prefix (which make a group hand its rules to their own searches).
/// </summary>
public sealed class SecretScanTests
{
    private static readonly string[] Literals =
    [
        "AKIA", "ABIA", "ACCA", "ASIA", "A3T", "ghp_", "gho_", "github_pat_", "glpat-", "gldt-", "glptt-", "gloas-", "glimt-", "glagent-",
        "GR1348941", "xoxb-", "xoxp-", "https://hooks.slack.com/services/", "sk_live_", "rk_test_", "whsec_", "sk-ant-", "sk-ant-api03-",
        "sk-", "sk-proj-", "T3BlbkFJ", "AIza", ".eyJ", "eyJ", "://", "postgres://", "AccountKey=", "SharedAccessKey=", "sig=", "AKC", "AP",
        "APF", "-us", "-us12", "SG.", "AC", "SK", ":AA", "pypi-AgE", "npm_", "hf_", "ghu_", "ghs_", "ghr_", "sk_test_", "rk_live_",
        "SharedAccessSignature=", "github_pat_github_pat_", "whsec_sk_live_", "ghp_hf_npm_",
    ];

    private static readonly string[] Fillers =
    [
        "", "", "a", "Z", "0", "9f", "abcdefghij", "ABCDEFGHIJKLMNOP", "0123456789abcdef", "aB3dE6gH9jK2mN5pQ8sT", "_", "-", ".", ":", "@",
        "=", "/", "%", "+", " ", "\n", "\"", "sk", "x", "u:p@h", "eyJhbGciOiJIUzI1NiJ9", "eyJzdWIiOiIxIn0", "snake_case_name", "==", "__",
    ];

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 200).Select(i => new object[] { i });

    private static string Generate(int seed)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder();
        for (var i = rng.Next(1, 120); i > 0; i--)
        {
            if (rng.Next(40) == 0)
            {
                // A wall of one literal: more hits inside covered runs than a group's budget.
                var wall = Literals[rng.Next(Literals.Length)];
                for (var k = rng.Next(60, 200); k > 0; k--)
                {
                    sb.Append(wall);
                }
            }

            sb.Append(rng.Next(2) == 0 ? Literals[rng.Next(Literals.Length)] : Fillers[rng.Next(Fillers.Length)]);
            for (var k = rng.Next(3); k > 0; k--)
            {
                sb.Append(Fillers[rng.Next(Fillers.Length)]);
            }
        }

        return sb.ToString();
    }

    private static string[] Describe(IEnumerable<Finding> findings, string text) =>
        [.. findings.Select(f => $"{f.Kind}@{f.Start}-{f.End}:{f.Score:F2}:{text[f.Start..f.End]}")];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void GroupedLiteralScan_GeneratedText_ReportsWhatPerRuleScanReportedInOrder(int seed)
    {
        var text = Generate(seed);
        var recognizer = new SecretRecognizer();
        var expected = new List<Finding>();
        var actual = new List<Finding>();
        recognizer.FindProviderKeysReference(text, expected);
        recognizer.FindProviderKeysForTests(text, actual);
        Assert.True(Describe(expected, text).SequenceEqual(Describe(actual, text)), $"seed {seed}: {text}");
    }

    [Fact]
    public void GroupedLiteralScan_GeneratedTexts_FindKeysOfManyRules()
    {
        // Guards the differential test above against texts that find nothing.
        var kinds = new HashSet<string>();
        foreach (var seed in Enumerable.Range(1, 200))
        {
            var text = Generate(seed);
            var found = new List<Finding>();
            new SecretRecognizer().FindProviderKeysForTests(text, found);
            kinds.UnionWith(found.Select(f => f.Kind!));
        }

        Assert.True(kinds.Count >= 5, string.Join(", ", kinds));
    }

    [Theory]
    [InlineData("AKIA", "AKIAIOSFODNN7EXAMPLE", "aws_access_key_id")]
    [InlineData("ghp_", "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "github_token")]
    [InlineData("xoxb-", "xoxb-1234567890-abcdef", "slack_token")]
    [InlineData("AC", "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "twilio_key")]
    [InlineData("sig=", "sig=abcdefghijklmnopqrstuvwxyz0123456789", "azure_storage_key")]
    public void ProviderSecrets_WallOfOnePrefixThenAKey_FindsTheKey(string prefix, string key, string kind)
    {
        // The wall is one run of the rule's characters: its group's search hits inside it until it hands over to the rule.
        var text = string.Concat(Enumerable.Repeat(prefix, 5_000)) + " " + key + " " + string.Concat(Enumerable.Repeat(prefix + " ", 2_000)) + key;
        var found = new List<Finding>();
        new SecretRecognizer().FindProviderKeysForTests(text, found);
        Assert.Equal(2, found.Count(f => text[f.Start..f.End] == key && f.Kind == kind));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void AwsKeyMatcher_GeneratedRuns_FindsWhatThePatternFinds(int seed)
    {
        // Runs of the rule's alphabet ([A-Z0-9]) dense with prefixes and near-misses; the oracle is the backtracking pattern.
        string[] parts = ["AKIA", "ABIA", "ACCA", "ASIA", "A3T", "A3", "AKI", "AC", "A", "K", "I", "3", "T", "Z", "0", "IOSFODNN7EXAMPLE", "QQQQQQQQ"];
        var rng = new Random(seed);
        var sb = new StringBuilder();
        for (var i = rng.Next(1, 40); i > 0; i--)
        {
            sb.Append(parts[rng.Next(parts.Length)]);
        }

        var run = sb.ToString();
        var pattern = new System.Text.RegularExpressions.Regex(SecretPatterns.AwsAccessKeyId().ToString());
        var expected = pattern.Matches(run).Select(m => m.Index).ToList();
        var actual = new List<int>();
        for (var i = SecretRecognizer.AwsKeyFrom(run, 0); i >= 0; i = SecretRecognizer.AwsKeyFrom(run, i + 20))
        {
            actual.Add(i);
        }

        Assert.True(expected.SequenceEqual(actual), $"seed {seed}: {run}: expected {string.Join(",", expected)} actual {string.Join(",", actual)}");
        Assert.All(pattern.Matches(run), m => Assert.Equal(20, m.Length));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void UrlCredentialsMatcher_GeneratedRuns_FindsWhatThePatternFinds(int seed)
    {
        // Runs of the rule's alphabet (no blank, quote or angle bracket) dense with schemes, separators and near-misses; the
        // oracles are the backtracking pattern and the rule's own (non-backtracking) pattern.
        string[] parts =
        [
            "postgres", "://", "://", ":", ":", "@", "@", "/", "a", "Z9", "+", ".", "-", "redis", "1", "xxxxxxxxxxxxxxxxxxxxxx", "://u:p@h",
            "#", "!", "\u00e9", "%40", "::", "@@", "h-t.t+p", "9", "mongodb+srv", "amqp", "db.internal", ":5432", "=", "_",
        ];
        var rng = new Random(seed);
        var sb = new StringBuilder();
        for (var i = rng.Next(1, 60); i > 0; i--)
        {
            sb.Append(parts[rng.Next(parts.Length)]);
        }

        var run = sb.ToString();
        var backtracking = new System.Text.RegularExpressions.Regex(SecretPatterns.UrlCredentials().ToString());
        var expected = backtracking.Matches(run).Select(m => (m.Index, m.Index + m.Length)).ToList();
        var nonBacktracking = SecretPatterns.UrlCredentials().Matches(run).Select(m => (m.Index, m.Index + m.Length)).ToList();
        var actual = new List<(int, int)>();
        for (var i = 0; SecretRecognizer.UrlCredentialsFrom(run, i) is var (s, e) && e > 0; i = e)
        {
            actual.Add((s, e));
        }

        Assert.True(expected.SequenceEqual(actual), $"seed {seed}: {run}: expected {string.Join(",", expected)} actual {string.Join(",", actual)}");
        Assert.Equal(expected, nonBacktracking);
    }
}
