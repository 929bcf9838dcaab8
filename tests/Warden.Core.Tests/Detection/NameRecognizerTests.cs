using Warden.Core.Detection;

namespace Warden.Core.Tests.Detection;

/// <summary>PERSON / LOCATION / ORGANIZATION rules, on sentences written for these tests (not the eval data).</summary>
public sealed class NameRecognizerTests
{
    private static readonly DetectionEngine Engine = new();

    private static string[] Found(string text, string type) =>
        Engine.Analyze(text).Where(f => f.Type == type).Select(f => text[f.Start..f.End]).ToArray();

    [Theory]
    [InlineData("Ship it to 12 Quellenhof 7 Suite 40 Brixlegg Austria today.", "12 Quellenhof 7 Suite 40 Brixlegg Austria")]
    [InlineData("the shop on Wrzosowa Street opens at nine", "Wrzosowa Street")]
    [InlineData("we met at the corner of Vranjska 14 and Kestrel Street", "the corner of Vranjska 14 and Kestrel Street")]
    [InlineData("return it to Ilse and Brunnackerweg 31 soon", "Ilse and Brunnackerweg 31")]
    [InlineData("He walked along Via Santa Lucia degli Orti 5 yesterday", "Via Santa Lucia degli Orti 5")]
    public void Address_Shapes_OneLocationSpan(string text, string expected) =>
        Assert.Contains(expected, Found(text, EntityTypes.Location));

    [Fact]
    public void Address_StreetLineAboveUnitLine_AndZipBeforeSentence()
    {
        const string text = "Send it to\n07 55 Brnjaka Polje\n Apt. 12\n Tolmin\n Slovenia 52011 before Friday.";
        Assert.Contains("07 55 Brnjaka Polje\n Apt. 12\n Tolmin\n Slovenia 52011", Found(text, EntityTypes.Location));
    }

    [Fact]
    public void Address_PhoneLineBelow_IsNotSwallowed()
    {
        const string text = "Otto Brenner\n14 Kalvarienstraße 9\nLinz Austria\n+43 732 778899 office";
        var loc = Found(text, EntityTypes.Location);
        Assert.Contains(loc, l => l.StartsWith("14 Kalvarienstraße 9", StringComparison.Ordinal));
        Assert.DoesNotContain(loc, l => l.Contains("732", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownCapitalisedWord_IsAProperNoun_ContractionsAreNot()
    {
        const string text = "Yesterday I spoke with Brandvoll about the budget. It's fine, don't worry.";
        Assert.Contains("Brandvoll", Engine.Analyze(text).Select(f => text[f.Start..f.End]));
        Assert.DoesNotContain(Engine.Analyze(text), f => text[f.Start..f.End] is "It's" or "Yesterday");
    }

    [Theory]
    [InlineData("Apt. 705\n Zoetermeer\n Tanzania 53144\n06-10446904-Office\\,001-748-088-2851x818-Fax")]
    [InlineData("Head Office: +44 20 7946 0958, Tel 020 7946 0959, Fax 020 7946 0960")]
    public void FaxAndTelLabels_NextToOfficeNumbers_AreNotOrganizations(string text)
    {
        Assert.DoesNotContain(Found(text, EntityTypes.Organization), o => o is "Fax" or "Tel");
    }

    [Fact]
    public void Letterhead_LineAboveAddress_IsOrganization()
    {
        const string text = "Quillmark\n\n18 Sandgate Road\nLeeds LS1 4AB";
        Assert.Contains("Quillmark", Found(text, EntityTypes.Organization));
    }

    [Fact]
    public void LowerCaseLegalForm_And_ListedOrganizations()
    {
        Assert.Contains("brightmoor consulting", Found("the report came from brightmoor consulting last year", EntityTypes.Organization));
        const string listed = "Partners include Ostrava Labs, Trelliq and Pinewick.";
        Assert.Equal(["Ostrava Labs", "Trelliq", "Pinewick"], Found(listed, EntityTypes.Organization));
    }

    [Fact]
    public void PersonWithParticlesAndSuffix_OneSpan()
    {
        Assert.Contains("Marieke van der Zwaag", Found("Yesterday Marieke van der Zwaag called.", EntityTypes.Person));
        Assert.Contains("Howard Keel Jr.", Found("It was directed by Howard Keel Jr. in 1970.", EntityTypes.Person));
    }
}
