using Warden.Core.Detection;
using Warden.Core.Detection.Recognizers;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// The two phone decisions libphonenumber cannot make (<c>PhoneRecognizer.Shapes.cs</c>): a bare digit run next to the
/// name of another identifier is not a phone, and the strict North American layout after "+1"/"001" is a phone even with
/// an area code libphonenumber rejects.
/// </summary>
public sealed class PhoneLayoutTests
{
    private static readonly DetectionEngine Engine = new(new DetectionOptions { NamedEntities = false });

    private static Finding[] Find(string text, string type) => Engine.Analyze(text).Where(f => f.Type == type).ToArray();

    [Theory]
    [InlineData("My driver's license number is 425700624")]
    [InlineData("my driving licence number 281211981")]
    [InlineData("passport number 341308170, issued 2019")]
    public void BareDigitRun_NextToAnotherIdentifiersName_IsNotAPhone(string text)
    {
        Assert.Empty(Find(text, EntityTypes.PhoneNumber));
    }

    [Fact]
    public void BareDigitRun_DriverLicenseContext_IsReportedAsDriverLicense()
    {
        const string Text = "My driver's license number is 425700624";
        var f = Assert.Single(Engine.Analyze(Text));
        Assert.Equal(EntityTypes.UsDriverLicense, f.Type);
        Assert.Equal("425700624", Text[f.Start..f.End]);
    }

    [Theory]
    [InlineData("call me on number 2025550143 after six")]
    [InlineData("phone 2025550143")]
    public void BareDigitRun_PhoneContextOnly_StaysAPhone(string text)
    {
        Assert.Equal("2025550143", text[Assert.Single(Find(text, EntityTypes.PhoneNumber)).Start..][..10]);
    }

    [Theory]
    [InlineData("+1-054-353-1726")]
    [InlineData("001-755-329-4431")]
    [InlineData("+1.962.819.8200")]
    [InlineData("001 490 155 3846")]
    public void NanpLayout_AreaCodeLibphonenumberRejects_ReportedAtTheLayoutScore(string number)
    {
        var text = $"reach the desk at {number} today";
        var f = Assert.Single(Find(text, EntityTypes.PhoneNumber));
        Assert.Equal(number, text[f.Start..f.End]);
        Assert.Equal(0.5, f.Score, 3);
    }

    [Fact]
    public void NanpLayout_WithExtension_CoversTheExtension()
    {
        const string Text = "fax +1-177-892-0730x52646 please";
        var f = Assert.Single(Find(Text, EntityTypes.PhoneNumber));
        Assert.Equal("+1-177-892-0730x52646", Text[f.Start..f.End]);
    }

    [Fact]
    public void ValidNumber_InTheLayout_KeepsLibphonenumbersScore()
    {
        const string Text = "reach the desk at +1-202-555-0143 today";
        Assert.True(Assert.Single(Find(Text, EntityTypes.PhoneNumber)).Score > PhoneRecognizer.NanpLayoutScore);
    }

    [Theory]
    [InlineData("+1-054-3531726")]
    [InlineData("+1-054.353-1726")]
    [InlineData("+1-054-353-17260")]
    [InlineData("+44-054-353-1726")]
    [InlineData("01-054-353-1726")]
    [InlineData("+1 (054) 353-1726")]
    public void InvalidNumber_OutsideTheStrictLayout_NotReported(string number)
    {
        Assert.Empty(Find($"reach the desk at {number} today", EntityTypes.PhoneNumber));
    }

    [Theory]
    [InlineData("+1-054-353-1726", true)]
    [InlineData("001.755.329.4431", true)]
    [InlineData("+1 962 819 8200", true)]
    [InlineData("+1-962 819-8200", false)]
    [InlineData("+1-96a-819-8200", false)]
    [InlineData("+1962-819-8200", false)]
    [InlineData("+1-962-819-820", false)]
    [InlineData("", false)]
    public void HasNanpLayout_Shapes_MatchTheRule(string main, bool expected)
    {
        Assert.Equal(expected, PhoneRecognizer.HasNanpLayout(main));
    }
}
