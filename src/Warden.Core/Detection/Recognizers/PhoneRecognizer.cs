using System.Text.RegularExpressions;
using PhoneNumbers;

namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// PHONE_NUMBER: a linear-time candidate scan (digits with spaces, dots, dashes, brackets, an optional
/// leading + and an extension), validated with libphonenumber: numbers with an international prefix
/// must be valid for their country; national numbers must be valid in at least one of the configured
/// regions. Dates and long bare digit runs are rejected.
/// </summary>
internal sealed partial class PhoneRecognizer : RegexRecognizer, IRecognizer
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private readonly string[] _regions;

    public PhoneRecognizer(IReadOnlyList<string>? regions = null)
        : base("PhoneRecognizer", EntityTypes.PhoneNumber, 0.6, ["phone", "tel", "telephone", "mobile", "cell", "call", "fax", "office", "number", "contact", "whatsapp"])
    {
        _regions = (regions is { Count: > 0 } ? regions : DefaultRegions).ToArray();
    }

    /// <summary>Regions tried for numbers written without an international prefix.</summary>
    public static IReadOnlyList<string> DefaultRegions { get; } =
        ["US", "GB", "DE", "FR", "NL", "BE", "CH", "AT", "IT", "ES", "PT", "SE", "NO", "DK", "FI", "IE", "PL", "CZ", "HU", "GR", "BR", "MX", "AR", "AU", "NZ", "IN", "IL", "ZA", "JP", "CA"];

    /// <summary>False turns off the per-call verdict memo (differential tests compare both).</summary>
    internal bool RemembersVerdicts { get; init; } = true;

    protected override double ContextBoost => 0.3;

    protected override Regex Pattern => Phone();

    private static readonly System.Buffers.SearchValues<char> Starts = System.Buffers.SearchValues.Create("+(0123456789");

    /// <summary>
    /// Span scanner for candidates (linear, no regex): a run of digits, spaces, dots, dashes and brackets that starts at
    /// '+', '(' or a digit, is at most 32 characters long and has no more than two separators in a row, plus an optional
    /// "x123"/"ext 123" extension. Longer runs (digit walls, tables) are skipped whole.
    /// </summary>
    void IRecognizer.Analyze(string text, List<Finding> results)
    {
        // The verdicts of libphonenumber on the numbers of this text, by normalized number: a number written again in the
        // same text is not parsed again. Only within one call (a cache across calls would tell through timing which
        // numbers other texts held) and bounded. The emptied dictionary is kept per thread for the next call (taken, not
        // shared, while this call runs): a text with many numbers no longer allocates and grows a new one every time.
        var verdicts = t_verdicts;
        t_verdicts = null;
        try
        {
            ScanCandidates(text, results, ref verdicts);
        }
        finally
        {
            if (verdicts is not null)
            {
                verdicts.Clear();
                t_verdicts = verdicts;
            }
        }
    }

    /// <summary>The per-call verdict memo of this thread between calls (always empty here; see <see cref="IRecognizer.Analyze"/>).</summary>
    [ThreadStatic]
    private static Dictionary<string, double>? t_verdicts;

    private void ScanCandidates(string text, List<Finding> results, ref Dictionary<string, double>? verdicts)
    {
        var i = 0;
        while (i < text.Length)
        {
            var rel = text.AsSpan(i).IndexOfAny(Starts);
            if (rel < 0)
            {
                return;
            }

            var start = i + rel;
            var end = start;
            var seps = 0;
            var digits = 0;
            while (end < text.Length)
            {
                var c = text[end];
                if (char.IsAsciiDigit(c))
                {
                    digits++;
                    seps = 0;
                }
                else if (c is ' ' or '.' or '-' or '(' or ')' || (c == '+' && end == start))
                {
                    if (++seps > 2)
                    {
                        break;
                    }
                }
                else
                {
                    break;
                }

                end++;
            }

            var next = Math.Max(end, start + 1);
            if (end - start > 32 || digits > 20)
            {
                // A wall of digits: skip the whole run.
                while (next < text.Length && (char.IsAsciiDigit(text[next]) || text[next] is ' ' or '.' or '-'))
                {
                    next++;
                }

                i = next;
                continue;
            }

            // Optional extension.
            var e = end;
            while (e > start && text[e - 1] == ' ')
            {
                e--;
            }

            var x = e;
            if (x < text.Length && (text[x] == 'x' || (x + 2 < text.Length && text.AsSpan(x, 3).SequenceEqual("ext"))))
            {
                var k = x + (text[x] == 'x' ? 1 : 3);
                if (k < text.Length && text[k] == '.')
                {
                    k++;
                }

                if (k < text.Length && text[k] == ' ')
                {
                    k++;
                }

                var d = k;
                while (d < text.Length && d - k < 6 && char.IsAsciiDigit(text[d]))
                {
                    d++;
                }

                if (d > k)
                {
                    e = d;
                    next = Math.Max(next, d);
                }
            }

            if (digits >= 7)
            {
                var s0 = start;
                var e0 = e;
                var score = BaseScore;
                if (Validate(text, ref s0, ref e0, ref score, ref verdicts))
                {
                    if (Context.Near(text, s0, e0))
                    {
                        score = Math.Min(1.0, score + ContextBoost);
                    }

                    results.Add(new Finding(EntityTypes.PhoneNumber, s0, e0, score, Name));
                }
            }

            i = next;
        }
    }

    protected override bool Validate(string text, ref int start, ref int end, ref double score)
    {
        Dictionary<string, double>? verdicts = null;
        return Validate(text, ref start, ref end, ref score, ref verdicts);
    }

    /// <summary>Verdicts kept per call at most (a text full of distinct numbers parses the rest without keeping them).</summary>
    private const int MaxVerdicts = 1024;

    private bool Validate(string text, ref int start, ref int end, ref double score, ref Dictionary<string, double>? verdicts)
    {
        // Trim separators picked up at the edges.
        while (end > start && text[end - 1] is ' ' or '-' or '.' or '(')
        {
            end--;
        }

        if (start > 0 && (char.IsLetterOrDigit(text[start - 1]) || text[start - 1] is '/' or '-' or '.' or ':' or '_' or '+'))
        {
            return false;
        }

        if (end < text.Length && (char.IsLetterOrDigit(text[end]) && text[end] is not 'x') || (end < text.Length && text[end] is '/' or '_' || (end + 1 < text.Length && text[end] is '.' or '-' or ':' && char.IsAsciiDigit(text[end + 1]))))
        {
            return false;
        }

        var span = text.AsSpan(start, end - start);
        var extAt = span.IndexOfAny('x', 'e');
        var main = extAt > 0 ? span[..extAt] : span;
        Span<char> digits = stackalloc char[32];
        var n = Digits(main, digits);
        if (n is < 7 or > 15)
        {
            return false;
        }

        // Bare digit runs (no separators) are ids, not phones, unless they carry a + prefix or context.
        var separators = main.Length - n;
        var international = main.StartsWith("+") || main.StartsWith("00");
        if (separators == 0 && !international && (!Context.Near(text, start, end) || NamesOtherIdentifier(text, start, end)))
        {
            return false;
        }

        if (LooksLikeDate(main))
        {
            return false;
        }

        // A dotted quad such as 10.20.30.40 is an IPv4 address (reported at a higher score by the IP recognizer), not a
        // phone, unless phone context says otherwise; skipping it saves a libphonenumber parse per configured region.
        if (IpAddressRecognizer.IsDottedQuad(main) && !Context.Near(text, start, end))
        {
            return false;
        }

        // libphonenumber strips punctuation itself, at a cost (StringBuilder removals, regexes): hand it only the '+' and the
        // digits of the number, plus the extension as written. Its verdict depends only on that string and on whether the
        // number was written with "001" (the same digits written "00 1…" take the regional path).
        Span<char> buffer = stackalloc char[64];
        var length = Normalized(main, n, digits, extAt > 0 ? span[extAt..] : [], buffer);
        var key = length <= buffer.Length ? buffer[..length] : [];
        // "+digits" that PhoneValidity's shortcut covers: libphonenumber's verdict (Verdict's first case) straight from the
        // characters, without a string, a parse or the memo (which would only give the same verdict again).
        if (!key.IsEmpty && main.StartsWith("+") && PhoneValidity.TryIsValidInternational(key, out var valid))
        {
            return SetScore(ref score, OrLayoutScore(valid ? 0.8 : 0, main));
        }

        var direct001 = main.StartsWith("001");
        if (!key.IsEmpty && !direct001 && verdicts is not null && verdicts.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var known))
        {
            return SetScore(ref score, OrLayoutScore(known, main));
        }

        var candidate = !key.IsEmpty ? new string(key) : NormalizedString(main, n, digits, extAt > 0 ? span[extAt..] : []);
        var verdict = Verdict(candidate, main, n);
        if (!key.IsEmpty && !direct001 && RemembersVerdicts)
        {
            verdicts ??= new Dictionary<string, double>(StringComparer.Ordinal);
            if (verdicts.Count < MaxVerdicts)
            {
                verdicts[candidate] = verdict;
            }
        }

        return SetScore(ref score, OrLayoutScore(verdict, main));
    }

    /// <summary>libphonenumber's verdict on a normalized candidate: the score of a valid number, 0 for an invalid one.</summary>
    private double Verdict(string candidate, ReadOnlySpan<char> main, int n)
    {
        try
        {
            // PhoneValidity gives exactly libphonenumber's Parse and IsValidNumber, skipping the work whose outcome is known.
            if (main.StartsWith("+"))
            {
                return PhoneValidity.IsValid(PhoneValidity.ParseInternational(candidate)) ? 0.8 : 0;
            }

            if (main.StartsWith("001") && n >= 11)
            {
                return PhoneValidity.IsValid(Util.Parse(candidate, "CH")) ? 0.7 : PhoneValidity.IsValid(PhoneValidity.ParseInternational("+" + candidate[3..])) ? 0.75 : 0;
            }

            foreach (var region in _regions)
            {
                var number = Util.Parse(candidate, region);
                if (PhoneValidity.IsValid(number))
                {
                    return region == _regions[0] ? 0.75 : 0.6;
                }
            }
        }
        catch (NumberParseException)
        {
            return 0;
        }

        return 0;
    }

    /// <summary>Writes the '+' (if any), the digits and the extension into <paramref name="chars"/>; returns the length
    /// (larger than the buffer when it does not fit, then nothing is written).</summary>
    private static int Normalized(ReadOnlySpan<char> main, int count, ReadOnlySpan<char> digits, ReadOnlySpan<char> extension, Span<char> chars)
    {
        var plus = main.StartsWith("+") ? 1 : 0;
        var length = plus + count + extension.Length;
        if (length > chars.Length)
        {
            return length;
        }

        if (plus == 1)
        {
            chars[0] = '+';
        }

        digits[..count].CopyTo(chars[plus..]);
        extension.CopyTo(chars[(plus + count)..]);
        return length;
    }

    private static string NormalizedString(ReadOnlySpan<char> main, int count, ReadOnlySpan<char> digits, ReadOnlySpan<char> extension)
    {
        var chars = new char[(main.StartsWith("+") ? 1 : 0) + count + extension.Length];
        Normalized(main, count, digits, extension, chars);
        return new string(chars);
    }

    /// <summary>Sets the score of an accepted candidate; false (and the score unchanged) for 0, a rejected one.</summary>
    private static bool SetScore(ref double score, double value)
    {
        if (value <= 0)
        {
            return false;
        }

        score = value;
        return true;
    }

    private static bool LooksLikeDate(ReadOnlySpan<char> s)
    {
        // 2024-01-31, 31.01.2024, 2024 01 31
        if (s.Length == 10 && (s[4] == s[7] && s[4] is '-' or '.' or ' ') || (s.Length == 10 && s[2] == s[5] && s[2] is '.' or '-'))
        {
            return true;
        }

        return false;
    }

    [GeneratedRegex(@"(?:\+|\b00)?\(?\d{1,4}\)?(?:[ .\-]{0,2}\(?\d{1,5}\)?){1,6}(?:\s?(?:x|ext\.?|extension)\s?\d{1,6})?", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Phone();
}
