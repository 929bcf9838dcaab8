using Warden.Core.Detection.Recognizers;

namespace Warden.Core.Tests.Detection;

public sealed class DigitRunsTests
{
    [Theory]
    [InlineData("12 ab-345.6")]
    [InlineData("x9")]
    [InlineData("007")]
    [InlineData("no digits at all")]
    [InlineData("a1b22c333d4444e55555f")]
    public void For_AnyText_KeepsTheCharactersAroundEachRun(string text)
    {
        var runs = DigitRuns.For(text);
        var expected = Enumerable.Range(0, text.Length)
            .Where(i => char.IsAsciiDigit(text[i]) && (i == 0 || !char.IsAsciiDigit(text[i - 1])))
            .Select(s =>
            {
                var e = s;
                while (e < text.Length && char.IsAsciiDigit(text[e]))
                {
                    e++;
                }

                return (s, e, s > 0 ? text[s - 1] : '\0', e < text.Length ? text[e] : '\0');
            })
            .ToArray();
        var actual = Enumerable.Range(0, runs.Count).Select(k => (runs.Start(k), runs.End(k), runs.Before(k), runs.After(k))).ToArray();
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("123456789", true)]
    [InlineData(" 123456789 ", true)]
    [InlineData("a123456789", false)]
    [InlineData("123456789b", false)]
    [InlineData("-123456789.", true)]
    public void Single_RunAtTheTextsEdges_IsBoundedAsTheTextSays(string text, bool bounded)
    {
        var runs = DigitRuns.For(text);
        var k = Enumerable.Range(0, runs.Count).Single(i => runs.End(i) - runs.Start(i) == 9);
        Assert.Equal(bounded, DigitShapes.Single(runs, k, 9));
        Assert.Equal(bounded, DigitShapes.BoundedLeft(text, runs.Start(k)) && DigitShapes.BoundedRight(text, runs.End(k)));
    }

    [Theory]
    [InlineData("078-05-1120", true)]
    [InlineData("078-05-1120x", false)]
    [InlineData("078/05/1120", false)]
    [InlineData("078-05-112", false)]
    public void Sequence_SeparatorsFromTheRunList_MatchTheText(string text, bool expected) =>
        Assert.Equal(expected, DigitShapes.Sequence(DigitRuns.For(text), 0, [3, 2, 4], "- ."));
}
