using System.Text;

namespace Warden.Core.Screening;

/// <summary>
/// Homoglyph handling. Words that mix Latin with look-alike Cyrillic/Greek letters ("іgnоrе") are rewritten to
/// Latin in the readable text and reported; the detection text additionally folds every look-alike, fullwidth
/// form and mathematical alphanumeric to ASCII so the detector sees the intended word.
/// </summary>
internal static class Confusables
{
    private static readonly Dictionary<char, char> Map = Build();

    public static (string Text, string Detection) Fold(string text, FindingCollector findings)
    {
        if (!NeedsWork(text))
        {
            return (text, text);
        }

        var readable = new StringBuilder(text.Length);
        var detection = new StringBuilder(text.Length);
        var mixedWords = 0;
        var firstMixed = -1;
        var i = 0;
        while (i < text.Length)
        {
            if (!IsWordChar(text, i))
            {
                AppendFolded(detection, text, ref i, readable);
                continue;
            }

            var start = i;
            int latin = 0, confusable = 0, other = 0;
            var k = i;
            while (k < text.Length && IsWordChar(text, k))
            {
                var c = text[k];
                if (char.IsAsciiLetter(c)) latin++;
                else if (Map.ContainsKey(c) || char.IsHighSurrogate(c) && Math(text, k) >= 0) confusable++;
                else if (char.IsLetter(c)) other++;
                k += char.IsHighSurrogate(c) && k + 1 < text.Length ? 2 : 1;
            }

            var mixed = latin > 0 && confusable > 0 && other == 0;
            if (mixed)
            {
                mixedWords++;
                firstMixed = firstMixed < 0 ? start : firstMixed;
            }

            while (i < k)
            {
                var before = detection.Length;
                AppendFolded(detection, text, ref i, mixed ? null : readable);
                if (mixed)
                {
                    readable.Append(detection, before, detection.Length - before);
                }
            }
        }

        if (mixedWords > 0)
        {
            findings.Add(FindingKind.Confusables, firstMixed, 1, $"{mixedWords} words mixing Latin with look-alike letters normalised");
        }
        else if (!string.Equals(text, detection.ToString(), StringComparison.Ordinal) && HasMathOrFullwidth(text))
        {
            findings.Add(FindingKind.Confusables, 0, 0, "fullwidth or mathematical letters folded for detection");
        }

        return (readable.ToString(), detection.ToString());
    }

    private static void AppendFolded(StringBuilder detection, string text, ref int i, StringBuilder? readable)
    {
        var c = text[i];
        if (char.IsHighSurrogate(c) && i + 1 < text.Length)
        {
            var m = Math(text, i);
            detection.Append(m >= 0 ? (char)m : c);
            if (m < 0)
            {
                detection.Append(text[i + 1]);
            }

            readable?.Append(c).Append(text[i + 1]);
            i += 2;
            return;
        }

        detection.Append(Map.TryGetValue(c, out var f) ? f : c);
        readable?.Append(c);
        i++;
    }

    private static bool IsWordChar(string text, int i) =>
        char.IsLetterOrDigit(text[i]) || char.IsHighSurrogate(text[i]) && Math(text, i) >= 0;

    /// <summary>Mathematical alphanumeric symbols U+1D400–1D6A3 fold to a–z/A–Z.</summary>
    private static int Math(string text, int i)
    {
        if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
        {
            return -1;
        }

        var cp = char.ConvertToUtf32(text[i], text[i + 1]);
        if (cp is < 0x1D400 or > 0x1D6A3)
        {
            return cp is >= 0x1D7CE and <= 0x1D7FF ? '0' + (cp - 0x1D7CE) % 10 : -1;
        }

        var k = (cp - 0x1D400) % 52;
        return k < 26 ? 'A' + k : 'a' + (k - 26);
    }

    private static bool NeedsWork(string text)
    {
        // Vectorised skip to the next character at or above U+0370 (most text has none), then the exact test.
        var span = text.AsSpan();
        var at = span.IndexOfAnyInRange('\u0370', '\uFFFF');
        while (at >= 0)
        {
            var c = span[at];
            if (Map.ContainsKey(c) || char.IsHighSurrogate(c))
            {
                return true;
            }

            span = span[(at + 1)..];
            at = span.IndexOfAnyInRange('\u0370', '\uFFFF');
        }

        return false;
    }

    private static bool HasMathOrFullwidth(string text)
    {
        foreach (var c in text)
        {
            if (c is >= '\uFF01' and <= '\uFF5E' || char.IsHighSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    private static Dictionary<char, char> Build()
    {
        var d = new Dictionary<char, char>();
        void Add(string from, string to)
        {
            for (var k = 0; k < from.Length; k++)
            {
                d[from[k]] = to[k];
            }
        }

        Add("аеорсухіјѕԁԛԝӏһɡ", "aeopcyxijsdqwlhg"); // Cyrillic lower
        Add("АВЕКМНОРСТХУІЈЅԜ", "ABEKMHOPCTXYIJSW"); // Cyrillic upper
        Add("αοριυνκχ", "aopiuvkx"); // Greek lower
        Add("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX"); // Greek upper
        Add("ıȷ", "ij");
        for (var c = '\uFF01'; c <= '\uFF5E'; c++)
        {
            d[c] = (char)(c - 0xFEE0); // fullwidth ASCII
        }

        return d;
    }
}
