using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// DATE_TIME: ISO dates and timestamps, numeric dates (m/d/yyyy, d.m.yyyy), dates with month names and
/// weekday names. A date is personal mainly through context (born, birthday, DOB, died): context
/// raises the score from 0.5 to 0.85.
/// </summary>
internal sealed partial class DateTimeRecognizer() : RegexRecognizer("DateTimeRecognizer", EntityTypes.DateTime, 0.5,
    ["born", "birth", "birthday", "dob", "d.o.b", "birthdate", "died", "death", "age", "date", "expires", "expiry", "appointment"])
{
    private static readonly CharClass NumericAlphabet = CharClass.Of("0123456789 tTzZ:./+-");
    private static readonly string[] Weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    private static readonly System.Buffers.SearchValues<string> DaySuffix = System.Buffers.SearchValues.Create(["day"], StringComparison.OrdinalIgnoreCase);

    /// <summary>The first three letters of every month name the month-date pattern knows (Sept starts as September).</summary>
    private static readonly System.Buffers.SearchValues<string> MonthStems = System.Buffers.SearchValues.Create(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], StringComparison.OrdinalIgnoreCase);

    /// <summary>The longest text a month-name date can have before its four-digit year ("31st of September 12th, ").</summary>
    private const int MonthDateLead = 32;

    protected override Regex Pattern => NumericDate();

    /// <summary>
    /// Three anchored scans instead of one regex over the whole text: numeric dates and timestamps in runs of
    /// date characters around digits; month-name dates in a short window before each four-digit year that follows
    /// white space; weekday names at each "day".
    /// </summary>
    protected override void Scan(string text, List<Finding> results)
    {
        // The runs of date characters around digits (as AnchorRuns over digits), from the shared digit-run list.
        var runs = DigitRuns.For(text);
        var floor = 0;
        var k = 0;
        while (k < runs.Count)
        {
            var (start, end) = NumericAlphabet.RunAround(text, runs.Start(k), floor);
            floor = end;
            var first = k;
            k = runs.Stats(k, end, out var digits, out _);
            if (end - start >= 6 && digits >= 4 && HasNumericDateShape(text, runs, first, k))
            {
                if (text.AsSpan(start, end - start).Contains('-'))
                {
                    MatchIn(text, start, end, results);
                }
                else
                {
                    MatchDayMonthYear(text, start, end, results);
                }
            }
        }

        ScanMonthDates(text, runs, results);
        ScanWeekdays(text, results);
    }

    /// <summary>
    /// An exact necessary condition for a match of <see cref="NumericDate"/> among the digit runs [first, end) of one run:
    /// both forms hold three digit runs joined by single '/', '.' or '-' (yyyy-mm-dd, d/m/yy), the middle one whole and one
    /// or two digits long, the last at least two digits long. Runs without it (phone numbers, card groups, ports) skip the
    /// pattern.
    /// </summary>
    internal static bool HasNumericDateShape(string text, DigitRuns runs, int first, int end)
    {
        for (var j = first; j + 2 < end; j++)
        {
            if (runs.End(j + 1) - runs.Start(j + 1) is 1 or 2 && runs.End(j + 2) - runs.Start(j + 2) >= 2
                && runs.Start(j + 1) - runs.End(j) == 1 && text[runs.End(j)] is '/' or '.' or '-'
                && runs.Start(j + 2) - runs.End(j + 1) == 1 && text[runs.End(j + 1)] is '/' or '.' or '-')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The matches of <see cref="NumericDate"/> in a run of date characters without '-' (IP addresses, d/m/yyyy, d.m.yy),
    /// found by hand: the ISO form needs '-', so only <c>\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})</c> can match, tried as
    /// the regex tries it (leftmost start, two digits before one, four before two), each search resuming after the last
    /// match. The run's digits are ASCII (the alphabet has no others).
    /// </summary>
    private void MatchDayMonthYear(string text, int from, int to, List<Finding> results)
    {
        var run = text.AsSpan(from, to - from);
        var i = 0;
        while (i < run.Length)
        {
            var length = DayMonthYearAt(run, i);
            if (length > 0)
            {
                Consider(text, from + i, from + i + length, results);
                i += length;
            }
            else
            {
                i++;
            }
        }
    }

    /// <summary>The length of the d/m/y match that starts at <paramref name="i"/> of <paramref name="run"/>, or 0.</summary>
    internal static int DayMonthYearAt(ReadOnlySpan<char> run, int i)
    {
        for (var a = 2; a >= 1; a--)
        {
            if (!DigitsThenSeparator(run, i, a))
            {
                continue;
            }

            var j = i + a + 1;
            for (var b = 2; b >= 1; b--)
            {
                if (!DigitsThenSeparator(run, j, b))
                {
                    continue;
                }

                var k = j + b + 1;
                if (Digits(run, k, 4))
                {
                    return k + 4 - i;
                }

                if (Digits(run, k, 2))
                {
                    return k + 2 - i;
                }
            }
        }

        return 0;
    }

    private static bool DigitsThenSeparator(ReadOnlySpan<char> run, int at, int digits) =>
        Digits(run, at, digits) && at + digits < run.Length && run[at + digits] is '/' or '.' or '-';

    private static bool Digits(ReadOnlySpan<char> run, int at, int count) =>
        at + count <= run.Length && !run.Slice(at, count).ContainsAnyExceptInRange('0', '9');

    private void ScanMonthDates(string text, DigitRuns runs, List<Finding> results)
    {
        var span = text.AsSpan();
        var windowEnd = 0;
        for (var k = 0; k < runs.Count; k++)
        {
            var p = runs.Start(k);
            if (runs.End(k) - p < 4 || p == 0 || !char.IsWhiteSpace(span[p - 1]))
            {
                continue;
            }

            // Every month-name date ends with white space and a four-digit year, and starts at most MonthDateLead
            // characters before it: the window holds the whole match.
            var from = Math.Max(windowEnd, p - 1 - MonthDateLead);
            windowEnd = p + 4;
            if (!MayHoldMonthName(span[from..windowEnd]))
            {
                continue;
            }

            foreach (var m in MonthDate().EnumerateMatches(span[from..windowEnd]))
            {
                Consider(text, from + m.Index, from + m.Index + m.Length, results);
            }
        }
    }

    /// <summary>
    /// A necessary condition for a match of <see cref="MonthDate"/> in <paramref name="window"/>: every match holds a month
    /// name, which starts with one of <see cref="MonthStems"/>. Only ASCII letters match those case-insensitively in
    /// ASCII text; a window with other characters runs the pattern (its case equivalences are the regex engine's).
    /// Windows before card groups, ports and other four-digit runs skip the pattern.
    /// </summary>
    internal static bool MayHoldMonthName(ReadOnlySpan<char> window) =>
        window.IndexOfAny(MonthStems) >= 0 || window.ContainsAnyExceptInRange('\0', '\u007F');

    /// <summary>
    /// Weekday names, case-insensitive, found by the "day" they end with, then the names that end there. The "day" is found
    /// by one vectorized search for a single three-letter string: the invariant-mode ignore-case <c>IndexOf("day")</c> of
    /// <see cref="ScanWeekdaysReference"/> is not vectorized, and a multi-string search for the seven names costs more on
    /// prose, whose many "mon", "the", "sat" … starts it has to verify.
    /// </summary>
    private void ScanWeekdays(string text, List<Finding> results) => ScanWeekdays(text, results, vectorized: true);

    /// <summary>The scan with the ignore-case <c>IndexOf</c> (the oracle of its differential test).</summary>
    internal void ScanWeekdaysReference(string text, List<Finding> results) => ScanWeekdays(text, results, vectorized: false);

    private void ScanWeekdays(string text, List<Finding> results, bool vectorized)
    {
        var span = text.AsSpan();
        var pos = 0;
        var lastEnd = 0;
        while (pos < span.Length)
        {
            var rel = vectorized ? span[pos..].IndexOfAny(DaySuffix) : span[pos..].IndexOf("day", StringComparison.OrdinalIgnoreCase);
            if (rel < 0)
            {
                return;
            }

            var q = pos + rel;
            pos = q + 3;
            foreach (var w in Weekdays)
            {
                var s = q + 3 - w.Length;
                if (s >= lastEnd && span.Slice(s, w.Length).Equals(w, StringComparison.OrdinalIgnoreCase))
                {
                    lastEnd = q + 3;
                    Consider(text, s, q + 3, results);
                    break;
                }
            }
        }
    }

    /// <summary>The weekday scan alone (for its differential test).</summary>
    internal void ScanWeekdaysForTests(string text, List<Finding> results) => ScanWeekdays(text, results);

    protected override bool Validate(string text, ref int start, ref int end, ref double score)
    {
        if (!Bounded(text, start, end))
        {
            return false;
        }

        var s = text.AsSpan(start, end - start);
        if (char.IsAsciiDigit(s[0]) && s.IndexOfAny('/', '.', '-') is var sep and > 0 && s.Length <= 10)
        {
            // Numeric dates: month and day must be plausible in one of the two usual orders.
            Span<Range> parts = stackalloc Range[4];
            var n = s.Split(parts, s[sep]);
            if (n != 3)
            {
                return false;
            }

            var a = int.Parse(s[parts[0]], provider: System.Globalization.CultureInfo.InvariantCulture);
            var b = int.Parse(s[parts[1]], provider: System.Globalization.CultureInfo.InvariantCulture);
            var ok = s[parts[0]].Length == 4 ? b is >= 1 and <= 12 : (a is >= 1 and <= 12 && b is >= 1 and <= 31) || (b is >= 1 and <= 12 && a is >= 1 and <= 31);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+\-]\d{2}:?\d{2})?)?|\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex NumericDate();

    [GeneratedRegex(@"(?:\d{1,2}(?:st|nd|rd|th)?\s(?:of\s)?)?(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?(?:\s\d{1,2}(?:st|nd|rd|th)?)?,?\s\d{4}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    internal static partial Regex MonthDate();
}
