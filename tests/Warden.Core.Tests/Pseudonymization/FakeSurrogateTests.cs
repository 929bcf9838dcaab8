using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Warden.Core.Detection;
using Warden.Core.Pseudonymization;

namespace Warden.Core.Tests.Pseudonymization;

public sealed partial class FakeSurrogateTests
{
    private static readonly DetectionEngine Structured = new(new DetectionOptions { NamedEntities = false });
    private static readonly DetectionEngine WithNames = new();

    private static IPseudonymizationSession Open(params string[] fakeTypes) =>
        new Pseudonymizer(Structured, new FakeTimeProvider(), new PseudonymizerOptions { FakeTypes = fakeTypes }).OpenSession();

    [Fact]
    public void CreditCard_Fake_SameGroupingIssuerAndLuhnValid()
    {
        const string card = "4111 1111 1111 1111";
        var session = Open(EntityTypes.CreditCard);
        var fake = session.Protect($"card {card} please")["card ".Length..^" please".Length];
        Assert.NotEqual(card, fake);
        Assert.Matches(@"^41\d\d \d{4} \d{4} \d{4}$", fake);
        Assert.True(Luhn(fake.Replace(" ", "", StringComparison.Ordinal)));
        Assert.Single(Structured.Analyze(fake), f => f.Type == EntityTypes.CreditCard && f.Length == fake.Length); // Warden itself sees a card
    }

    [Fact]
    public void Iban_Fake_SameCountryLengthSpacingAndMod97Valid()
    {
        const string iban = "DE89 3704 0044 0532 0130 00";
        var session = Open(EntityTypes.IbanCode);
        var text = session.Protect($"IBAN {iban}.");
        var fake = text["IBAN ".Length..^1];
        Assert.NotEqual(iban, fake);
        Assert.Equal(iban.Length, fake.Length);
        Assert.StartsWith("DE", fake, StringComparison.Ordinal);
        Assert.Equal(Regex.Replace(iban, "[0-9A-Z]", "x"), Regex.Replace(fake, "[0-9A-Z]", "x"));
        Assert.True(Mod97(fake.Replace(" ", "", StringComparison.Ordinal)));
    }

    [Fact]
    public void Email_Fake_SameLocalShapeAtReservedDomain()
    {
        var session = Open(EntityTypes.EmailAddress);
        var fake = session.Protect("mail jane.doe42@corp.io now")["mail ".Length..^" now".Length];
        Assert.Matches(@"^[a-z]{4}\.[a-z]{3}\d\d@example\.(com|org|net)$", fake);
        Assert.NotEqual("jane.doe42", fake.Split('@')[0]);
    }

    [Fact]
    public void Phone_Ssn_Ip_Fakes_KeepShape()
    {
        var session = Open("*");
        var text = session.Protect("call +44 20 7946 0958, ssn 536-22-1234, host 8.8.4.4");
        Assert.Matches(@"^call \+44 [1-9]\d \d{4} \d{4}, ssn (\d{3})-(\d{2})-(\d{4}), host (192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}$", text);
        var ssn = SsnPattern().Match(text);
        var area = int.Parse(ssn.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(area is > 0 and < 900 and not 666, $"area {area}");
        Assert.NotEqual("00", ssn.Groups[2].Value);
        Assert.NotEqual("0000", ssn.Groups[3].Value);
    }

    [Fact]
    public void Person_Fake_PlausibleNameSameWordCountAndCase()
    {
        var session = new Pseudonymizer(WithNames, new FakeTimeProvider(), new PseudonymizerOptions { FakeTypes = [EntityTypes.Person] }).OpenSession();
        var text = session.Protect("Please ask Dr. Margaret Thompson about it.");
        var m = Regex.Match(text, @"^Please ask Dr\. ([A-Z][a-z]+) ([A-Z][a-z]+) about it\.$");
        Assert.True(m.Success, text);
        Assert.DoesNotContain("Thompson", text, StringComparison.Ordinal);
        Assert.Equal("Please ask Dr. Margaret Thompson about it.", session.Restore(text));
    }

    [Fact]
    public void Fakes_DeterministicWithinSession_DifferentAcrossSessions()
    {
        var p = new Pseudonymizer(Structured, new FakeTimeProvider(), new PseudonymizerOptions { FakeTypes = ["*"] });
        var s1 = p.OpenSession("a");
        var first = s1.Protect("write to jane.doe@corp.io");
        Assert.Equal(first, s1.Protect("write to jane.doe@corp.io"));
        Assert.Equal(first, p.OpenSession("a").Protect("write to jane.doe@corp.io"));
        var others = Enumerable.Range(0, 5).Select(i => p.OpenSession("b" + i).Protect("write to jane.doe@corp.io")).ToHashSet();
        Assert.True(others.Count > 1 || !others.Contains(first), "fakes must depend on the session's key");
    }

    [Fact]
    public void Fakes_NeverEqualOriginalsOrTextOrEachOther()
    {
        var session = Open(EntityTypes.EmailAddress);
        var sb = new StringBuilder();
        for (var i = 0; i < 200; i++)
        {
            sb.Append('a').Append(i % 10).Append("@x.io ");
        }

        var input = sb.ToString();
        var text = session.Protect(input);
        var fakes = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, fakes.Distinct().Count());
        Assert.All(fakes, f => Assert.DoesNotContain(f, input, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(input, session.Restore(text));
    }

    [Fact]
    public void Restore_FakeOnlyAsWholeWord()
    {
        var session = Open(EntityTypes.EmailAddress);
        var fake = session.Protect("jane@corp.io");
        Assert.Equal("jane@corp.io", session.Restore(fake));
        Assert.Equal("x" + fake, session.Restore("x" + fake));
        Assert.Equal("(jane@corp.io).", session.Restore($"({fake})."));
    }

    [Fact]
    public void Restore_MixedTokensAndFakes()
    {
        var session = Open(EntityTypes.CreditCard);
        var text = session.Protect("card 4111 1111 1111 1111 mail a@b.io");
        Assert.Contains("<EMAIL_ADDRESS_1>", text, StringComparison.Ordinal);
        Assert.Equal("card 4111 1111 1111 1111 mail a@b.io", session.Restore(text));
    }

    [Fact]
    public void StreamingRestore_FakesSplitAtEveryOffset_RestoresExactly()
    {
        var session = Open("*");
        const string original = "Pay 4111 1111 1111 1111 from DE89 3704 0044 0532 0130 00, mail jane.doe@corp.io or <b>a@b.c</b>.";
        var answer = session.Protect(original);
        Assert.DoesNotContain("4111 1111 1111 1111", answer, StringComparison.Ordinal);
        for (var cut1 = 0; cut1 < answer.Length; cut1++)
        {
            for (var cut2 = cut1; cut2 < answer.Length; cut2 += 7)
            {
                var r = session.CreateStreamingRestorer();
                var output = r.Push(answer[..cut1]) + r.Push(answer[cut1..cut2]) + r.Push(answer[cut2..]) + r.Flush();
                Assert.Equal(original, output);
            }
        }
    }

    [Fact]
    public void StreamingRestore_FakeFollowedByLetters_IsNotRestored()
    {
        var session = Open(EntityTypes.Person, EntityTypes.EmailAddress);
        var fake = session.Protect("jane@corp.io");
        var r = session.CreateStreamingRestorer();
        Assert.Equal(fake + "x", r.Push(fake) + r.Push("x") + r.Flush());
    }

    [Fact]
    public void DateTime_HasNoFake_KeepsToken()
    {
        var session = new Pseudonymizer(Structured, new FakeTimeProvider(), new PseudonymizerOptions { FakeTypes = ["*"] }).OpenSession();
        Assert.Equal("born <DATE_TIME_1>", session.Protect("born 2024-01-02"));
    }

    [Fact]
    public void Options_BadFakeType_Refused() =>
        Assert.Throws<ArgumentException>(() => new PseudonymizerOptions { FakeTypes = ["person"] }.Validate());

    [Fact]
    public void OpenSession_FakeTypesPerSession_OverrideConfig()
    {
        var p = new Pseudonymizer(Structured, new FakeTimeProvider());
        Assert.Equal("<EMAIL_ADDRESS_1>", p.OpenSession().Protect("a@b.io"));
        Assert.Matches(@"^[a-z]@example\.(com|org|net)$", ((IPseudonymizer)p).OpenSession(null, null, [EntityTypes.EmailAddress]).Protect("a@b.io"));
    }

    private static bool Luhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var n = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                n = n * 2 > 9 ? (n * 2) - 9 : n * 2;
            }

            sum += n;
        }

        return sum % 10 == 0;
    }

    private static bool Mod97(string iban)
    {
        var r = iban[4..] + iban[..4];
        var mod = 0;
        foreach (var c in r)
        {
            var v = char.IsDigit(c) ? c - '0' : c - 'A' + 10;
            mod = v >= 10 ? ((mod * 100) + v) % 97 : ((mod * 10) + v) % 97;
        }

        return mod == 1;
    }

    [GeneratedRegex(@"ssn (\d{3})-(\d{2})-(\d{4})")]
    private static partial Regex SsnPattern();
}
