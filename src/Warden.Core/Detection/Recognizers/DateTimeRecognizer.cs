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
    protected override Regex Pattern => Date();

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

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+\-]\d{2}:?\d{2})?)?|\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})|(?:\d{1,2}(?:st|nd|rd|th)?\s(?:of\s)?)?(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?(?:\s\d{1,2}(?:st|nd|rd|th)?)?,?\s\d{4}|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Date();
}
