using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Recognizers;

/// <summary>IBAN_CODE: country code, check digits, BBAN; per-country length and ISO 7064 mod 97-10.</summary>
internal sealed partial class IbanRecognizer() : RegexRecognizer("IbanRecognizer", EntityTypes.IbanCode, 0.9, ["iban", "bank", "account"])
{
    private static readonly CharClass IbanAlphabet = CharClass.Of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -_");

    protected override System.Buffers.SearchValues<char> Anchors => DigitAnchors;

    protected override CharClass Alphabet => IbanAlphabet;

    protected override int MinLength => 15;

    /// <summary>The check digits: two in a row.</summary>
    protected override int MinDigits => 2;

    protected override int MinDigitRun => 2; // the shortest IBAN (Norway); validation needs the exact country length

    private static readonly FrozenDictionary<string, int> Lengths = new Dictionary<string, int>
    {
        ["AD"] = 24, ["AE"] = 23, ["AL"] = 28, ["AT"] = 20, ["AZ"] = 28, ["BA"] = 20, ["BE"] = 16, ["BG"] = 22, ["BH"] = 22,
        ["BR"] = 29, ["BY"] = 28, ["CH"] = 21, ["CR"] = 22, ["CY"] = 28, ["CZ"] = 24, ["DE"] = 22, ["DK"] = 18, ["DO"] = 28,
        ["EE"] = 20, ["EG"] = 29, ["ES"] = 24, ["FI"] = 18, ["FO"] = 18, ["FR"] = 27, ["GB"] = 22, ["GE"] = 22, ["GI"] = 23,
        ["GL"] = 18, ["GR"] = 27, ["GT"] = 28, ["HR"] = 21, ["HU"] = 28, ["IE"] = 22, ["IL"] = 23, ["IQ"] = 23, ["IS"] = 26,
        ["IT"] = 27, ["JO"] = 30, ["KW"] = 30, ["KZ"] = 20, ["LB"] = 28, ["LC"] = 32, ["LI"] = 21, ["LT"] = 20, ["LU"] = 20,
        ["LV"] = 21, ["MC"] = 27, ["MD"] = 24, ["ME"] = 22, ["MK"] = 19, ["MR"] = 27, ["MT"] = 31, ["MU"] = 30, ["NL"] = 18,
        ["NO"] = 15, ["PK"] = 24, ["PL"] = 28, ["PS"] = 29, ["PT"] = 25, ["QA"] = 29, ["RO"] = 24, ["RS"] = 22, ["SA"] = 24,
        ["SC"] = 31, ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["ST"] = 25, ["SV"] = 28, ["TL"] = 23, ["TN"] = 24,
        ["TR"] = 26, ["UA"] = 29, ["VA"] = 22, ["VG"] = 24, ["XK"] = 20, ["LY"] = 25, ["SD"] = 18, ["BI"] = 27, ["DJ"] = 27,
        ["SO"] = 23, ["NI"] = 28, ["RU"] = 33, ["MN"] = 20, ["OM"] = 23, ["YE"] = 30, ["HN"] = 28, ["FK"] = 18,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The check digits start a run of two or more digits right after the country code: two ASCII letters at a word boundary
    /// (nothing from [A-Za-z0-9_] before them) that name a country with an IBAN length.
    /// </summary>
    protected override ulong FirstRunLengths { get; } = RunLengthsFrom(2);

    protected override bool DigitsMayStartAt(string text, DigitRuns runs, int k)
    {
        var s = runs.Start(k);
        return DigitShapes.Length(runs, k) >= 2 && s >= 2 && char.IsAsciiLetter(text[s - 1]) && char.IsAsciiLetter(text[s - 2])
            && (s == 2 || !(char.IsAsciiLetterOrDigit(text[s - 3]) || text[s - 3] == '_'))
            && Lengths.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(text.AsSpan(s - 2, 2));
    }

    protected override Regex Pattern => Iban();

    protected override bool Validate(string text, ref int start, ref int end, ref double score)
    {
        if (start > 0 && char.IsLetterOrDigit(text[start - 1]))
        {
            return false;
        }

        if (!Lengths.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(text.AsSpan(start, 2), out var len))
        {
            return false;
        }

        Span<char> compact = stackalloc char[40];
        var n = 0;
        var i = start;
        for (; i < end && n < len; i++)
        {
            if (text[i] is not (' ' or '-'))
            {
                compact[n++] = text[i];
            }
        }

        // The IBAN must end where its country length says, at a boundary (not inside a longer token).
        if (n != len || (i < text.Length && char.IsLetterOrDigit(text[i])))
        {
            return false;
        }

        end = i;
        return Checksums.IbanMod97(compact[..n]);
    }

    [GeneratedRegex(@"\b[A-Za-z]{2}\d{2}(?:[ \-]?[A-Za-z0-9]{1,4}){3,8}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Iban();
}
