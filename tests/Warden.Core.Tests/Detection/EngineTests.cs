using Warden.Core.Detection;

namespace Warden.Core.Tests.Detection;

public sealed class EngineTests
{
    [Fact]
    public void Overlaps_HigherScoreWins_AndResultIsOrderedAndDisjoint()
    {
        var engine = new DetectionEngine(new DetectionOptions { NamedEntities = false });
        var text = "mail bob@example.com or visit https://example.com/x and card 4111 1111 1111 1111";
        var findings = engine.Analyze(text);

        Assert.Equal(findings.OrderBy(f => f.Start), findings);
        for (var i = 1; i < findings.Count; i++)
        {
            Assert.True(findings[i - 1].End <= findings[i].Start);
        }

        Assert.Equal(EntityTypes.EmailAddress, findings.Single(f => text[f.Start..f.End] == "bob@example.com").Type);
    }

    [Fact]
    public void Resolve_EqualScores_IsDeterministic()
    {
        var a = new Finding("A", 0, 10, 0.5, "r1");
        var b = new Finding("B", 5, 15, 0.5, "r2");
        var c = new Finding("C", 5, 15, 0.5, "r0");
        var first = OverlapResolver.Resolve([a, b, c]);
        var second = OverlapResolver.Resolve([c, b, a]);
        Assert.Equal(first, second);
        Assert.Equal("A", Assert.Single(first).Type);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(40)]
    public void Resolve_SameRankDifferentKind_EarlierReportedWinsWhateverElseIsListed(int overlapping)
    {
        // The unstable sort by start must not decide between two candidates that differ only in their kind: with many other
        // candidates around (and, for 40, a group ranked on the pooled path), the one reported first wins.
        for (var seed = 0; seed < 20; seed++)
        {
            var rng = new Random(seed);
            var others = Enumerable.Range(0, 300).Select(i => new Finding("X", 1_000 + (i * 7), 1_003 + (i * 7), 0.5, "rx"))
                .Concat(Enumerable.Range(0, overlapping).Select(i => new Finding("Y", 100 + i, 130 + i, 0.4, "ry")))
                .OrderBy(_ => rng.Next()).ToList();
            var jwt = new Finding(EntityTypes.Secret, 110, 150, 0.9, "SecretRecognizer", "jwt");
            var assignment = jwt with { Kind = "credential_assignment" };
            foreach (var (first, second) in new[] { (jwt, assignment), (assignment, jwt) })
            {
                var list = new List<Finding>(others);
                var at = rng.Next(list.Count);
                list.Insert(at, first);
                list.Insert(rng.Next(at + 1, list.Count + 1), second);
                Assert.Equal(first.Kind, OverlapResolver.Resolve(list).Single(f => f.Type == EntityTypes.Secret).Kind);
            }
        }
    }

    [Fact]
    public void AllowList_SuppressesValue_DenyList_ForcesValue()
    {
        var engine = new DetectionEngine(new DetectionOptions { NamedEntities = false, AllowList = ["support@warden.dev"], DenyList = ["Project Nightingale"] });
        var findings = engine.Analyze("Ask support@warden.dev or bob@example.com about project nightingale.");
        Assert.DoesNotContain(findings, f => f.Type == EntityTypes.EmailAddress && f.Start == 4);
        Assert.Contains(findings, f => f.Type == EntityTypes.EmailAddress);
        Assert.Contains(findings, f => f.Type == "DENY_LIST");
    }

    [Fact]
    public void CustomRecognizer_FromConfig_FindsAndValidates()
    {
        var options = new DetectionOptions
        {
            NamedEntities = false,
            CustomRecognizers = [new CustomRecognizerOptions { Name = "Employee", EntityType = "EMPLOYEE_ID", Pattern = @"EMP-\d{6}", Context = ["employee"], Score = 0.5 }],
        };
        var engine = new DetectionEngine(options);
        var withContext = Assert.Single(engine.Analyze("employee EMP-123456", ["EMPLOYEE_ID"]));
        var without = Assert.Single(engine.Analyze("ref EMP-123456", ["EMPLOYEE_ID"]));
        Assert.True(withContext.Score > without.Score);
        Assert.Equal("Employee", withContext.Recognizer);
    }

    [Theory]
    [InlineData(@"(?<=x)\d+")] // lookbehind has no linear-time form
    [InlineData(@"(\d)\1")] // backreference
    [InlineData(@"[unclosed")]
    public void CustomRecognizer_NonLinearOrInvalidPattern_IsRejected(string pattern)
    {
        var options = new DetectionOptions { CustomRecognizers = [new CustomRecognizerOptions { Name = "x", EntityType = "X", Pattern = pattern }] };
        Assert.Throws<ArgumentException>(options.Validate);
    }

    [Fact]
    public void Context_RaisesScore()
    {
        var engine = new DetectionEngine(new DetectionOptions { NamedEntities = false, MinScore = 0 });
        var plain = Assert.Single(engine.Analyze("number 4111 1111 1111 1111", [EntityTypes.CreditCard]));
        var context = Assert.Single(engine.Analyze("credit card 4111 1111 1111 1111", [EntityTypes.CreditCard]));
        Assert.True(context.Score >= plain.Score);
    }

    [Fact]
    public void EntityFilter_LimitsTypes()
    {
        var engine = new DetectionEngine();
        var findings = engine.Analyze("John Smith, john@example.com", [EntityTypes.EmailAddress]);
        Assert.All(findings, f => Assert.Equal(EntityTypes.EmailAddress, f.Type));
    }

    [Theory]
    [InlineData("My name is Maria Gonzalez and I live in Madrid.", "PERSON", "Maria Gonzalez")]
    [InlineData("My name is Maria Gonzalez and I live in Madrid.", "LOCATION", "Madrid")]
    [InlineData("Send it to 221 Baker Street, London", "LOCATION", "221 Baker Street, London")]
    [InlineData("She works at Smith Ltd. now", "ORGANIZATION", "Smith Ltd.")]
    [InlineData("Dr. Peter Garcia called.", "PERSON", "Dr. Peter Garcia")]
    public void NamedEntities_CommonShapes_AreFound(string text, string type, string expected)
    {
        var engine = new DetectionEngine();
        Assert.Contains(engine.Analyze(text), f => f.Type == type && text[f.Start..f.End] == expected);
    }

    [Theory]
    [InlineData("Capitalized words like Wisdom and Discipline are often mistaken with names.")]
    [InlineData("CAN I SPEAK TO A REAL PERSON?")]
    public void NamedEntities_CommonWords_AreNotPersons(string text)
    {
        Assert.DoesNotContain(new DetectionEngine().Analyze(text), f => f.Type == EntityTypes.Person);
    }
}
