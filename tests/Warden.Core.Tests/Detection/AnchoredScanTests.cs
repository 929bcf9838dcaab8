using System.Text;
using System.Text.RegularExpressions;
using Warden.Core.Detection;
using Warden.Core.Detection.Recognizers;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// The anchored scans (patterns run only over runs of match characters around anchors, or in windows) must find exactly
/// what the same patterns find over the whole text. Differential tests on generated texts full of near-misses. The oracle
/// is the backtracking engine (test inputs are short): .NET's NonBacktracking engine drops some matches of patterns that
/// start with an optional element when it searches a long text (dotnet/runtime PR 130176), so it is no oracle.
/// </summary>
public sealed class AnchoredScanTests
{
    private static readonly string[] Fragments =
    [
        "4111 1111 1111 1111", "4111-1111-1111-1111", "5210402405591275", "jordan.miller@example.com", "a@b.cc", "x@@y.z",
        "GB82 WEST 1234 5698 7654 32", "gb48awjv07221741105646", "DE89370400440532013000", "308-63-0237", "123456789",
        "192.168.10.1", "10.20.30.40", "1.2.3.4.5", "2001:db8:85a3::8a2e:370:7334", "::1", "10:30:00", "00:1A:2B:3C:4D:5E",
        "0011.2233.4455", "https://example.com/a?b=1.", "www.example.org", "example.io:8080/x", "json.load(f)",
        "+1-202-555-0143", "(505)498-8487x6837", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        "0x52908400098527886E0F7030069857D2E4169EE7", "943 476 5919", "AB 12 34 56 C", "12345678Z", "X1234567L", "RSSMRA85T10A562S",
        "44051401359", "A125325867", "driver license", "passport", "pesel", "nhs", "ssn", "card", "phone", "born",
        "5/18/1956", "2024-01-31T10:30:00Z", "31.01.2024", "AKIAIOSFODNN7EXAMPLE", "ghp_" + new string('a', 36),
        "glpat-" + new string('b', 20), "xoxb-1234567890-abcdef", "sk_live_" + new string('c', 24), "sk-ant-api03-" + new string('d', 40),
        "sk-proj-" + new string('e', 100), "sk-" + new string('f', 20) + "T3BlbkFJ" + new string('g', 20), "AIza" + new string('h', 35),
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", "postgres://app:Zx9#Lm2!Qp7w@db.internal:5432/app", "AccountKey=" + new string('K', 40),
        "AKCp" + new string('1', 20), "APx" + new string('2', 20), new string('a', 32) + "-us12", "SG." + new string('s', 22) + "." + new string('t', 43),
        "AC" + new string('a', 32), "123456789:AA" + new string('u', 32), "M" + new string('v', 23) + ".abcdef." + new string('w', 27),
        "pypi-AgE" + new string('x', 100), "npm_" + new string('y', 36), "hf_" + new string('z', 34), "sk-", "ghp_", "-us", "AKIA",
        "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", "password", "token", "api_key", "key", "\"Xy7#kLm9!qW\"",
        "'s3cr3t-V4lue!'", "hunter2hunter2X", "{db_pw}", "Monday", "sunday", "31st of March, 2024", "May 2024", "Sept. 5th 2023",
        "12345", "0000", "7777777777777777777777", "a.a.a.a.", "((((", "))))", "@@@@", "::::", "----", "____", "....",
    ];

    private static readonly string[] Separators = [" ", "", "\n", ". ", "-", "_", ":", "@", "=", " = ", ": ", "(", ")", ",", ";", "/", "\"", "  ", "\t"];

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 40).Select(i => new object[] { i });

    private static string Generate(int seed)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder();
        var parts = rng.Next(5, 60);
        for (var i = 0; i < parts; i++)
        {
            sb.Append(Fragments[rng.Next(Fragments.Length)]);
            sb.Append(Separators[rng.Next(Separators.Length)]);
        }

        return sb.ToString();
    }

    private static IEnumerable<RegexRecognizer> RunRecognizers() =>
    [
        new EmailRecognizer(), new CreditCardRecognizer(), new IbanRecognizer(), new UsSsnRecognizer(), new IpAddressRecognizer(),
        new MacAddressRecognizer(), new UrlRecognizer(), new CryptoRecognizer(), new UsDriverLicenseRecognizer(), new UsPassportRecognizer(),
        new UkNhsRecognizer(), new UkNinoRecognizer(), new EsNifRecognizer(), new ItFiscalCodeRecognizer(), new PlPeselRecognizer(),
    ];

    private static Regex Backtracking(Regex r) => DifferentialText.Backtracking(r);

    private static string[] Describe(IEnumerable<Finding> findings, string text) =>
        findings.Select(f => $"{f.Type}/{f.Kind}@{f.Start}-{f.End}:{f.Score:F2}:{text[f.Start..f.End]}").Order(StringComparer.Ordinal).ToArray();

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RunScan_GeneratedText_FindsWhatWholeTextPatternFinds(int seed)
    {
        var text = Generate(seed);
        foreach (var r in RunRecognizers())
        {
            var anchored = new List<Finding>();
            var whole = new List<Finding>();
            ((IRecognizer)r).Analyze(text, anchored);
            r.AnalyzeWholeText(text, whole, Backtracking(r.PatternForTests));
            Assert.True(Describe(whole, text).SequenceEqual(Describe(anchored, text)), $"{r.Name} differs on seed {seed}: {text}");
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ProviderSecretScan_GeneratedText_FindsWhatWholeTextPatternsFind(int seed)
    {
        var text = Generate(seed);
        var recognizer = new SecretRecognizer();
        var anchored = new List<Finding>();
        recognizer.Analyze(text, anchored);
        var whole = new List<Finding>();
        foreach (var rule in SecretRecognizer.ProviderRules)
        {
            foreach (var m in Backtracking(rule.Pattern).EnumerateMatches(text))
            {
                var (start, end) = (m.Index, m.Index + m.Length);
                if (SecretRecognizer.Accept(rule.Kind, text, ref start, ref end))
                {
                    whole.Add(new Finding(EntityTypes.Secret, start, end, rule.Score, recognizer.Name, rule.Kind));
                }
            }
        }

        recognizer.MatchAssignments(text, 0, text.Length, whole, Backtracking(SecretPatterns.Assignment()));
        var expected = Describe(whole, text);
        var actual = Describe(anchored.Where(f => f.Kind != "private_key"), text);
        Assert.True(expected.SequenceEqual(actual), $"seed {seed}: {text}\nexpected {string.Join(" | ", expected)}\nactual   {string.Join(" | ", actual)}");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void OverlapResolver_RandomFindings_MatchesNaiveGreedy(int seed)
    {
        var rng = new Random(seed);
        var findings = Enumerable.Range(0, rng.Next(1, 300)).Select(_ =>
        {
            var start = rng.Next(-5, 2_000);
            var length = rng.Next(0, rng.Next(2) == 0 ? 8 : 200);
            return new Finding(rng.Next(2) == 0 ? "A" : "B", start, start + length, rng.Next(0, 5) / 4.0, "R" + rng.Next(3));
        }).ToList();

        // Naive reference: the same priority order, keep a finding when it overlaps no kept one.
        var ordered = findings.OrderByDescending(f => f.Score).ThenByDescending(f => f.Length).ThenBy(f => f.Start)
            .ThenBy(f => f.Type, StringComparer.Ordinal).ThenBy(f => f.Recognizer, StringComparer.Ordinal).ToList();
        var expected = new List<Finding>();
        foreach (var f in ordered)
        {
            if (f.Length > 0 && !expected.Any(k => k.Overlaps(f)))
            {
                expected.Add(f);
            }
        }

        var actual = OverlapResolver.Resolve([.. findings]);
        Assert.Equal(expected.OrderBy(f => f.Start).ToList(), actual);
    }

    [Fact]
    public void Pem_ManyHeadersWithoutEnd_EachCoversTheBody()
    {
        var header = "-----BEGIN RSA PRIVATE KEY-----\n";
        var text = string.Concat(Enumerable.Repeat(header, 500)) + "MIIEow==\n\n# next paragraph";
        var found = new List<Finding>();
        new SecretRecognizer().Analyze(text, found);
        var pem = found.Where(f => f.Kind == "private_key").ToArray();
        Assert.Equal(500, pem.Length);
        var bodyEnd = text.IndexOf('#', StringComparison.Ordinal);
        Assert.All(pem, f => Assert.Equal(bodyEnd, f.End));
    }

    [Fact]
    public void Pem_ManyHeadersThenOneEnd_AllEndAtTheEndLine()
    {
        var text = string.Concat(Enumerable.Repeat("-----BEGIN PRIVATE KEY-----\nabc\n", 300)) + "-----END PRIVATE KEY----- tail";
        var found = new List<Finding>();
        new SecretRecognizer().Analyze(text, found);
        var pem = found.Where(f => f.Kind == "private_key").ToArray();
        Assert.Equal(300, pem.Length);
        Assert.All(pem, f => Assert.Equal(text.Length - " tail".Length, f.End));
    }

    [Theory]
    [InlineData("password\n  Xy7#kLm9!qW2", "Xy7#kLm9!qW2")]
    [InlineData("my private_key = \"Ab9$kLm2!xQ7\" ok", "Ab9$kLm2!xQ7")]
    [InlineData("token:\n\n\"Zq8!rT5@wE3#\"", "Zq8!rT5@wE3#")]
    public void Assignment_ValueAfterNameAndSeparator_IsFound(string text, string value)
    {
        var found = new List<Finding>();
        new SecretRecognizer().Analyze(text, found);
        Assert.Contains(found, f => text[f.Start..f.End] == value);
    }

    [Theory]
    [InlineData("born on 31st of September 12th, 2024 at noon", "31st of September 12th, 2024")]
    [InlineData("x 2023 and then on Sept. 5th 2024", "Sept. 5th 2024")]
    [InlineData("MondayTuesday", null)]
    [InlineData("see you on Wednesday.", "Wednesday")]
    public void Date_MonthNamesAndWeekdays_AreFound(string text, string? expected)
    {
        var found = new List<Finding>();
        ((IRecognizer)new DateTimeRecognizer()).Analyze(text, found);
        if (expected is null)
        {
            Assert.Empty(found);
        }
        else
        {
            Assert.Contains(found, f => text[f.Start..f.End] == expected);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void WeekdayScan_GeneratedText_FindsWhatTheDaySuffixScanFound(int seed)
    {
        var rng = new Random(seed);
        string[] parts = ["monday", "Tuesday", "WEDNESDAY", "thursDay", "friday", "saturday", "sunday", "day", "days", "today", "Sundays",
            "mondayday", "ſunday", "frıday", "FRİDAY", "tuesdaY", "sun", "x", " ", "\n", "-", "Ü", "thursdays"];
        var sb = new StringBuilder();
        for (var i = rng.Next(1, 80); i > 0; i--)
        {
            sb.Append(parts[rng.Next(parts.Length)]);
            if (rng.Next(3) == 0)
            {
                sb.Append(' ');
            }
        }

        var text = sb.ToString();
        var recognizer = new DateTimeRecognizer();
        var expected = new List<Finding>();
        var actual = new List<Finding>();
        recognizer.ScanWeekdaysReference(text, expected);
        recognizer.ScanWeekdaysForTests(text, actual);
        Assert.True(Describe(expected, text).SequenceEqual(Describe(actual, text)), $"seed {seed}: {text}");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void DigitRunScan_UnicodeDigitsSeparatorsAndLongRuns_FindsWhatAnchorRunScanFound(int seed)
    {
        // Digit-anchored recognizers walk the shared list of ASCII digit runs (with digit-count and longest-run checks); they
        // must find what the per-recognizer anchor scan found, also next to other scripts' digits (which \d matches but no
        // alphabet holds, so the whole-text pattern is no oracle here), separators and long digit runs.
        string[] parts = ["٤١١١ ١١١١ ١١١١ ١١١١", "４１１１１１１１１１１１１１１１", "4111 1111 1111 1111", "308-63-0237", "308.63.0237", "123 45 6789",
            "943 476 5919", "44051401359", "A12345678", "12345678Z", "RSSMRA85T10A562S", "AB 12 34 56 C", "DE89370400440532013000",
            "1٢3-45-6789", "5/18/1956", "12-12-12", new string('7', 40), "1-2-3-4-5-6-7-8-9-0-1-2-3", "- -", " ", "\n", "x", "٣"];
        var rng = new Random(seed);
        var sb = new StringBuilder();
        for (var i = rng.Next(1, 60); i > 0; i--)
        {
            sb.Append(parts[rng.Next(parts.Length)]);
            sb.Append(rng.Next(4) switch { 0 => " ", 1 => "", 2 => "-", _ => ". " });
        }

        var text = sb.ToString();
        foreach (var r in RunRecognizers())
        {
            var anchored = new List<Finding>();
            var whole = new List<Finding>();
            ((IRecognizer)r).Analyze(text, anchored);
            r.AnalyzeWithAnchorRuns(text, whole);
            Assert.True(Describe(whole, text).SequenceEqual(Describe(anchored, text)), $"{r.Name} differs on seed {seed}: {text}");
        }
    }

    public static IEnumerable<object[]> ManySeeds() => Enumerable.Range(1, 400).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(ManySeeds))]
    public void DigitShapeFilter_RandomDigitGroups_FindsWhatAnchorRunScanFound(int seed)
    {
        // The digit-shape filters (DigitShapes) skip alphabet runs whose digit runs cannot form a validated match: random runs of
        // 1 to 20 digits joined by the recognizers' separators, letters and other characters, near the shapes' exact lengths.
        string[] joins = [" ", "-", ".", "", "A", "b", "X", "_", "/", "  ", " -", "٣", "é", ":", "\n", "GB", "de", "zz", "T", "M"];
        var rng = new Random(seed);
        var text = DifferentialText.DigitGroups(rng, rng.Next(1, 40), () => rng.Next(4) == 0 ? rng.Next(1, 21) : rng.Next(1, 12), joins, sb =>
        {
            if (rng.Next(6) == 0)
            {
                sb.Append(Fragments[rng.Next(Fragments.Length)]);
            }
        });
        foreach (var r in RunRecognizers())
        {
            var anchored = new List<Finding>();
            var whole = new List<Finding>();
            ((IRecognizer)r).Analyze(text, anchored);
            r.AnalyzeWithAnchorRuns(text, whole);
            Assert.True(Describe(whole, text).SequenceEqual(Describe(anchored, text)), $"{r.Name} differs on seed {seed}: {text}");
        }
    }

    [Theory]
    [MemberData(nameof(ManySeeds))]
    public void NumericDateShape_RandomDigitsAndSeparators_FindsWhatWholeTextPatternFinds(int seed)
    {
        // The date scan runs the numeric-date pattern only over runs with three digit runs joined by '/', '.' or '-' (middle one
        // or two digits, last two or more). Texts of digits and date characters only (no month or weekday names), so the
        // whole-text pattern (backtracking engine) is the oracle.
        string[] joins = ["/", ".", "-", " ", ":", "T", "Z", "+", "", "  ", ", ", "//", "-.", "x", "t"];
        var rng = new Random(seed);
        var text = DifferentialText.DigitGroups(rng, rng.Next(1, 50), () => rng.Next(5) == 0 ? rng.Next(1, 12) : rng.Next(1, 5), joins);
        var r = new DateTimeRecognizer();
        var anchored = new List<Finding>();
        var whole = new List<Finding>();
        ((IRecognizer)r).Analyze(text, anchored);
        r.AnalyzeWholeText(text, whole, Backtracking(r.PatternForTests));
        Assert.True(Describe(whole, text).SequenceEqual(Describe(anchored, text)), $"seed {seed}: {text}");
    }

    [Fact]
    public void DigitShapeFilter_ValidValuesOfEveryShape_AreStillFound()
    {
        // One valid value per shape the filters admit (the random test shows the filters drop nothing the scan found; this one
        // shows each shape still reaches the pattern).
        const string text = "card 4111 1111 1111 1111 and 4111-1111-1111-1111 and 5210402405591275; ssn 536-22-1234 and 536 22 1234, "
            + "ssn 536221234; passport 912803456 and passport A12345678; nhs 943 476 5919 and 9434765919 nhs and 943476 5919; "
            + "NINO AB 12 34 56 C, AB123456C and AB 1234 56 C; NIF 12345678Z; CF RSSMRA85T10A562S; pesel 44051401359; "
            + "IBAN DE89 3704 0044 0532 0130 00; driver license 123-456-789 and DL A1234567.";
        var engine = new DetectionEngine(new DetectionOptions { NamedEntities = false });
        var found = engine.Analyze(text).Select(f => (f.Type, text[f.Start..f.End])).ToHashSet();
        string[][] expected =
        [
            [EntityTypes.CreditCard, "4111 1111 1111 1111"], [EntityTypes.CreditCard, "4111-1111-1111-1111"], [EntityTypes.CreditCard, "5210402405591275"],
            [EntityTypes.UsSsn, "536-22-1234"], [EntityTypes.UsSsn, "536 22 1234"], [EntityTypes.UsSsn, "536221234"],
            [EntityTypes.UkNhs, "943 476 5919"], [EntityTypes.UkNhs, "9434765919"], [EntityTypes.UkNhs, "943476 5919"],
            [EntityTypes.UkNino, "AB 12 34 56 C"], [EntityTypes.UkNino, "AB123456C"], [EntityTypes.UkNino, "AB 1234 56 C"],
            [EntityTypes.EsNif, "12345678Z"], [EntityTypes.ItFiscalCode, "RSSMRA85T10A562S"], [EntityTypes.PlPesel, "44051401359"],
            [EntityTypes.IbanCode, "DE89 3704 0044 0532 0130 00"], [EntityTypes.UsPassport, "912803456"],
            [EntityTypes.UsPassport, "A12345678"], [EntityTypes.UsDriverLicense, "123-456-789"], [EntityTypes.UsDriverLicense, "A1234567"],
        ];
        foreach (var e in expected)
        {
            Assert.True(found.Contains((e[0], e[1])), $"{e[0]} {e[1]} not found in: {string.Join(" | ", found)}");
        }
    }

    [Fact]
    public void Engine_RecognizerAnalysingAnotherText_KeepsEachTextsDigitRuns()
    {
        // The engine shares one digit-run list per call; a recognizer that runs another analysis inside must not see it.
        var inner = new DetectionEngine(new DetectionOptions { NamedEntities = false });
        var outer = new DetectionEngine(new DetectionOptions { NamedEntities = false }, [new NestedAnalysis(inner, "card 5555 5555 5555 4444 ssn 219-09-9998")]);
        const string text = "SSN 078-05-1121? no: 536-22-1234, card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00.";
        var alone = inner.Analyze(text).Select(f => (f.Type, text[f.Start..f.End])).ToArray();
        var nested = outer.Analyze(text).Select(f => (f.Type, text[f.Start..f.End])).ToArray();
        Assert.Contains((EntityTypes.CreditCard, "4111 1111 1111 1111"), alone);
        Assert.Equal(alone, nested);
    }

    private sealed class NestedAnalysis(DetectionEngine engine, string other) : IRecognizer
    {
        public string Name => "Nested";

        public IReadOnlyCollection<string> EntityTypes => ["NESTED"];

        public void Analyze(string text, List<Finding> results) => Assert.NotEmpty(engine.Analyze(other));
    }

    [Fact]
    public void ProviderSecrets_WallOfPrefixesThenAKey_FindsTheKey()
    {
        var key = "sk-" + new string('f', 20) + "T3BlbkFJ" + new string('g', 20);
        var text = string.Concat(Enumerable.Repeat("sk-", 20_000)) + " " + key + " " + string.Concat(Enumerable.Repeat("ghp_", 10_000));
        var found = new List<Finding>();
        new SecretRecognizer().Analyze(text, found);
        var f = Assert.Single(found);
        Assert.Equal(key, text[f.Start..f.End]);
        Assert.Equal("openai_api_key", f.Kind);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(5_000)]
    public void ProviderSecrets_ManyLiteralsOfOtherRulesThenAKey_FindsTheKey(int prefixes)
    {
        // The literal pre-pass skips the passes of rules whose literals do not occur; with dense literals (over its budget) it
        // gives up and every rule runs its own pass. Either way a key after the dense part is found.
        var key = "ghp_" + new string('a', 36);
        var text = string.Concat(Enumerable.Repeat("AP hf_ AC ", prefixes)) + " token " + key + " end";
        var found = new List<Finding>();
        new SecretRecognizer().Analyze(text, found);
        Assert.Contains(found, f => text[f.Start..f.End] == key && f.Kind == "github_token");
    }

    [Theory]
    [InlineData("at")]
    [InlineData("digits")]
    [InlineData("dots")]
    [InlineData("brackets")]
    [InlineData("pem")]
    [InlineData("assign")]
    [InlineData("dashes")]
    [InlineData("colons")]
    public void Engine_AdversarialInput_CompletesWithDisjointFindings(string kind)
    {
        var text = kind switch
        {
            "at" => new string('@', 100_000),
            "digits" => new string('7', 100_000),
            "dots" => string.Concat(Enumerable.Repeat("a.", 50_000)),
            "brackets" => new string('(', 50_000) + new string(')', 50_000),
            "pem" => string.Concat(Enumerable.Repeat("-----BEGIN RSA PRIVATE KEY-----\n", 3_000)),
            "assign" => string.Concat(Enumerable.Repeat("password=key:token ", 5_000)),
            "dashes" => string.Concat(Enumerable.Repeat("sk-", 30_000)),
            _ => string.Concat(Enumerable.Repeat("a:", 50_000)),
        };
        var findings = new DetectionEngine(new DetectionOptions { NamedEntities = false }).Analyze(text);
        for (var i = 1; i < findings.Count; i++)
        {
            Assert.True(findings[i - 1].End <= findings[i].Start);
        }
    }
}
