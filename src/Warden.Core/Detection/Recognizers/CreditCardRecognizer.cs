using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Recognizers;

/// <summary>CREDIT_CARD: 13–19 digits (optionally in groups separated by spaces or dashes), known issuer prefix, Luhn.</summary>
internal sealed partial class CreditCardRecognizer() : RegexRecognizer("CreditCardRecognizer", EntityTypes.CreditCard, 0.7,
    ["card", "credit", "debit", "visa", "mastercard", "amex", "cc", "pan"])
{
    private static readonly CharClass CardAlphabet = CharClass.Of("0123456789 -");

    protected override System.Buffers.SearchValues<char> Anchors => DigitAnchors;

    protected override CharClass Alphabet => CardAlphabet;

    /// <summary>Validation needs 13 to 19 digits; the pattern starts with four.</summary>
    protected override int MinDigits => 13;

    protected override int MinDigitRun => 4;

    protected override int MinLength => 8;

    /// <summary>
    /// A bounded match is a whole digit run of at least four digits, then whole runs of at least two joined by one space or
    /// dash, 13 to 19 digits in all.
    /// </summary>
    protected override ulong FirstRunLengths { get; } = RunLengthsFrom(4);

    protected override bool DigitsMayStartAt(string text, DigitRuns runs, int k)
    {
        if (DigitShapes.Length(runs, k) < 4 || !DigitShapes.BoundedLeft(text, runs.Start(k)))
        {
            return false;
        }

        var sum = 0;
        for (var j = k; ; j++)
        {
            sum += DigitShapes.Length(runs, j);
            if (sum > 19)
            {
                return false;
            }

            if (sum >= 13 && DigitShapes.BoundedRight(text, runs.End(j)))
            {
                return true;
            }

            if (j + 1 >= runs.Count || runs.Start(j + 1) - runs.End(j) != 1 || text[runs.End(j)] is not (' ' or '-') || DigitShapes.Length(runs, j + 1) < 2)
            {
                return false;
            }
        }
    }

    protected override Regex Pattern => Card();

    /// <summary>
    /// The common card shapes without the pattern. In a run of digits, spaces and dashes that holds, apart from separators
    /// at its ends, either one digit run of 13 to 18 digits, or a run of exactly four digits followed by two to four runs
    /// of two to seven digits, each after a single separator, <c>\d{4}(?:[ \-]?\d{2,7}){2,4}</c> has exactly one match:
    /// all those digits (the greedy loop takes each later run whole; a lone run is split 4 + 7 + the rest). Other runs go
    /// through the pattern.
    /// </summary>
    protected override void MatchRun(string text, int from, int to, List<Finding> results)
    {
        var run = text.AsSpan(from, to - from);
        var first = run.IndexOfAnyInRange('0', '9');
        var last = run.LastIndexOfAnyInRange('0', '9');
        if (first < 0 || last - first > 40)
        {
            MatchIn(text, from, to, results);
            return;
        }

        var digits = run[first..(last + 1)];
        var groups = 0;
        var i = 0;
        var simple = true;
        while (i < digits.Length && simple)
        {
            var length = digits[i..].IndexOfAnyExceptInRange('0', '9');
            length = length < 0 ? digits.Length - i : length;
            groups++;
            simple = groups == 1 ? length is 4 || (length is >= 13 and <= 18 && i + length == digits.Length) : length is >= 2 and <= 7;
            i += length;
            if (i < digits.Length)
            {
                simple &= char.IsAsciiDigit(digits[i + 1]);
                i++;
            }
        }

        if (simple && (groups is >= 3 and <= 5 || (groups == 1 && digits.Length >= 13)))
        {
            Consider(text, from + first, from + last + 1, results);
            return;
        }

        MatchIn(text, from, to, results);
    }

    protected override bool Validate(string text, ref int start, ref int end, ref double score)
    {
        if (!Bounded(text, start, end))
        {
            return false;
        }

        Span<char> d = stackalloc char[24];
        var n = Digits(text.AsSpan(start, end - start), d);
        if (n is < 13 or > 19 || !Checksums.Luhn(d[..n]) || !KnownIssuer(d[..n]))
        {
            return false;
        }

        // A single repeated digit passes Luhn (e.g. all zeros) but is no card.
        if (d[..n].IndexOfAnyExcept(d[0]) < 0)
        {
            return false;
        }

        score = 0.9;
        return true;
    }

    private static bool KnownIssuer(ReadOnlySpan<char> d) => d[0] switch
    {
        '4' => true, // Visa
        '5' => d[1] is >= '1' and <= '5', // Mastercard
        '2' => d[1] is >= '2' and <= '7', // Mastercard 2-series
        '3' => d[1] is '4' or '7' or '0' or '6' or '8' or '5', // Amex, Diners, JCB
        '6' => true, // Discover, UnionPay, Maestro
        '1' => d[1] == '8', // UATP 1800
        _ => false,
    };

    [GeneratedRegex(@"\d{4}(?:[ \-]?\d{2,7}){2,4}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Card();
}
