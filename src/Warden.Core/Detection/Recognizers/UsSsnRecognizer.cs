using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// US_SSN: AAA-GG-SSSS (dashes, spaces or dots; bare nine digits only with context). Area 000, 666 and
/// 900–999, group 00 and serial 0000 are never issued and are rejected, as are well-known advertising numbers.
/// </summary>
internal sealed partial class UsSsnRecognizer() : RegexRecognizer("UsSsnRecognizer", EntityTypes.UsSsn, 0.6,
    ["ssn", "social security", "social", "ssns", "ss#", "ssid"])
{
    private static readonly System.Buffers.SearchValues<char> SsnSeparators = System.Buffers.SearchValues.Create("- .");

    private static readonly CharClass SsnAlphabet = CharClass.Of("0123456789- .");

    protected override System.Buffers.SearchValues<char> Anchors => DigitAnchors;

    protected override CharClass Alphabet => SsnAlphabet;

    /// <summary>Validation needs nine digits; the pattern starts with three.</summary>
    protected override int MinDigits => 9;

    protected override int MinDigitRun => 3;

    protected override int MinLength => 9;

    /// <summary>A bounded match is one run of nine digits or runs of 3, 2 and 4 joined by single separators.</summary>
    protected override ulong FirstRunLengths { get; } = RunLengths(9, 3);

    protected override bool DigitsMayStartAt(string text, DigitRuns runs, int k) =>
        DigitShapes.Single(text, runs, k, 9) || DigitShapes.Sequence(text, runs, k, [3, 2, 4], SsnSeparators);

    protected override Regex Pattern => Ssn();

    protected override bool Validate(string text, ref int start, ref int end, ref double score)
    {
        if (!Bounded(text, start, end))
        {
            return false;
        }

        var s = text.AsSpan(start, end - start);
        Span<char> d = stackalloc char[9];
        if (Digits(s, d) != 9)
        {
            return false;
        }

        var separated = s.Length == 11;
        if (separated && s[3] != s[6])
        {
            return false; // mixed separators such as 123-45.6789
        }

        var area = int.Parse(d[..3], provider: System.Globalization.CultureInfo.InvariantCulture);
        if (area is 0 or 666 or >= 900 || d.Slice(3, 2) is "00" || d[5..] is "0000")
        {
            return false;
        }

        if (d is "078051120" || d is "219099999" || d is "123456789")
        {
            return false;
        }

        if (!separated)
        {
            // Nine bare digits are usually something else: only with context words.
            score = Context.Near(text, start, end) ? 0.5 : 0;
            return score > 0;
        }

        score = s[3] == '-' ? 0.85 : 0.6;
        return true;
    }

    [GeneratedRegex(@"\d{3}[\- .]\d{2}[\- .]\d{4}|\d{9}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Ssn();
}
