using System.Text;
using Warden.Core.Detection.Recognizers;

namespace Warden.Core.Tests.Detection;

/// <summary><see cref="IpAddressRecognizer.IsDottedQuad"/> (one pass over the characters) against its former Split and int.Parse version.</summary>
public sealed class DottedQuadTests
{
    private static bool BySplit(ReadOnlySpan<char> s)
    {
        if (s.Length is < 7 or > 15 || s.Count('.') != 3)
        {
            return false;
        }

        var parts = 0;
        foreach (var range in s.Split('.'))
        {
            var p = s[range];
            if (p.Length is 0 or > 3 || (p.Length > 1 && p[0] == '0') || p.IndexOfAnyExceptInRange('0', '9') >= 0 ||
                int.Parse(p, provider: System.Globalization.CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }

            parts++;
        }

        return parts == 4;
    }

    [Fact]
    public void IsDottedQuad_GeneratedStrings_SameAsSplitAndParse()
    {
        var rng = new Random(21);
        string[] pieces = ["0", "1", "9", "00", "01", "10", "25", "99", "100", "199", "249", "250", "255", "256", "299", "300", "999", "1000", "0255", ".", ".", ".", "..", "", "a", " ", "-", "+1", "\u0661", "\uFF11"];
        var accepted = 0;
        for (var i = 0; i < 200_000; i++)
        {
            var sb = new StringBuilder();
            if (i % 2 == 0)
            {
                // Four parts and three dots, sometimes one piece changed: mostly near-misses of a dotted quad.
                for (var k = 0; k < 4; k++)
                {
                    sb.Append(k > 0 ? "." : "").Append(pieces[rng.Next(pieces.Length)]);
                }
            }
            else
            {
                for (var k = rng.Next(1, 12); k > 0; k--)
                {
                    sb.Append(pieces[rng.Next(pieces.Length)]);
                }
            }

            var s = sb.ToString();
            var expected = BySplit(s);
            accepted += expected ? 1 : 0;
            Assert.True(expected == IpAddressRecognizer.IsDottedQuad(s), s);
        }

        Assert.True(accepted > 1_000, $"only {accepted} accepted strings");
    }

    [Theory]
    [InlineData("10.20.30.40", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("256.1.1.1", false)]
    [InlineData("01.2.3.4", false)]
    [InlineData("1.2.3.4.", false)]
    [InlineData(".1.2.3.4", false)]
    [InlineData("1.2.3.4.5", false)]
    [InlineData("1..2.3.4", false)]
    [InlineData("1.2.3", false)]
    [InlineData("1234.1.1.1", false)]
    public void IsDottedQuad_Examples_AsExpected(string s, bool expected) => Assert.Equal(expected, IpAddressRecognizer.IsDottedQuad(s));
}
