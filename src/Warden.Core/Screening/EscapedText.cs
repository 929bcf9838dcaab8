using System.Buffers;
using System.Globalization;
using System.Text;

namespace Warden.Core.Screening;

/// <summary>
/// Finds text spelled as a run of escapes: percent-encoding (<c>%49%67%6E</c>), <c>\x49\x67</c>, <c>\u0049\u0067</c> and
/// numeric character references left in plain text (<c>&amp;#73;&amp;#103;</c>). A model reads them as easily as the letters.
/// A run of at least <see cref="MinEscapes"/> escapes that decodes to text with a space (an instruction, not a word in a URL
/// path) is replaced by a marker, reported, and its decoded text handed to the detector, as base64 blobs are.
/// </summary>
internal static class EscapedText
{
    /// <summary>A run needs at least this many escapes in a row.</summary>
    public const int MinEscapes = 6;

    private static readonly SearchValues<char> Starts = SearchValues.Create("%\\&");

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    public static string Decode(string text, FindingCollector findings)
    {
        var max = findings.Options.MaxBlobChars;
        StringBuilder? sb = null;
        var copied = 0;
        var i = 0;
        while (i < text.Length)
        {
            var rel = text.AsSpan(i).IndexOfAny(Starts);
            if (rel < 0)
            {
                break;
            }

            var start = i + rel;
            var family = Family(text, start);
            if (family == Escape.None)
            {
                i = start + 1;
                continue;
            }

            // The run: escapes of one family back to back.
            var end = start;
            var count = 0;
            while (end < text.Length && Family(text, end) == family && Length(text, end, family) is var n && n > 0)
            {
                end += n;
                count++;
            }

            i = Math.Max(end, start + 1);
            if (count < MinEscapes)
            {
                continue;
            }

            if (end - start > max)
            {
                findings.Add(FindingKind.EncodedBlob, start, end - start, $"escaped run of {end - start} chars too large to decode; removed");
                EncodedBlobs.Replace(ref sb, text, ref copied, start, end, $"[escaped data removed: {end - start} chars]");
                continue;
            }

            var decoded = DecodeRun(text.AsSpan(start, end - start), family);
            if (decoded is null || !TextHeuristics.IsMostlyPrintable(decoded) || !decoded.Contains(' ', StringComparison.Ordinal))
            {
                continue;
            }

            var name = family switch { Escape.Percent => "percent-escaped", Escape.ByteX => "\\x-escaped", Escape.Utf16 => "\\u-escaped", _ => "character-reference" };
            findings.Add(FindingKind.EncodedBlob, start, end - start, $"{name} text of {decoded.Length} chars");
            findings.AddPayload(FindingKind.EncodedBlob, decoded);
            EncodedBlobs.Replace(ref sb, text, ref copied, start, end, $"[{name} text removed: {decoded.Length} chars]");
        }

        if (sb is null)
        {
            return text;
        }

        sb.Append(text, copied, text.Length - copied);
        return sb.ToString();
    }

    private enum Escape
    {
        None,
        Percent,
        ByteX,
        Utf16,
        Reference,
    }

    private static Escape Family(string s, int i)
    {
        if (i >= s.Length)
        {
            return Escape.None;
        }

        return s[i] switch
        {
            '%' when Hex(s, i + 1, 2) => Escape.Percent,
            '\\' when i + 1 < s.Length && s[i + 1] == 'x' && Hex(s, i + 2, 2) => Escape.ByteX,
            '\\' when i + 1 < s.Length && s[i + 1] == 'u' && Hex(s, i + 2, 4) => Escape.Utf16,
            '&' when i + 1 < s.Length && s[i + 1] == '#' => Escape.Reference,
            _ => Escape.None,
        };
    }

    /// <summary>The length of the escape at <paramref name="i"/>, or 0 when it is malformed.</summary>
    private static int Length(string s, int i, Escape family)
    {
        switch (family)
        {
            case Escape.Percent:
                return 3;
            case Escape.ByteX:
                return 4;
            case Escape.Utf16:
                return 6;
            case Escape.Reference:
                var hex = i + 2 < s.Length && s[i + 2] is 'x' or 'X';
                var k = i + (hex ? 3 : 2);
                var digits = 0;
                while (k < s.Length && digits < 8 && (hex ? char.IsAsciiHexDigit(s[k]) : char.IsAsciiDigit(s[k])))
                {
                    k++;
                    digits++;
                }

                return digits > 0 && k < s.Length && s[k] == ';' ? k + 1 - i : 0;
            default:
                return 0;
        }
    }

    private static string? DecodeRun(ReadOnlySpan<char> run, Escape family)
    {
        if (family is Escape.Percent or Escape.ByteX)
        {
            var step = family == Escape.Percent ? 3 : 4;
            var bytes = new byte[run.Length / step];
            for (var k = 0; k < bytes.Length; k++)
            {
                bytes[k] = byte.Parse(run.Slice((k * step) + step - 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }

            return new UTF8Encoding(false, throwOnInvalidBytes: false).GetString(bytes);
        }

        var sb = new StringBuilder(run.Length / 4);
        var i = 0;
        while (i < run.Length)
        {
            if (family == Escape.Utf16)
            {
                sb.Append((char)int.Parse(run.Slice(i + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 6;
                continue;
            }

            var semi = run[i..].IndexOf(';');
            var hex = run[i + 2] is 'x' or 'X';
            var digits = run.Slice(i + (hex ? 3 : 2), semi - (hex ? 3 : 2));
            if (!int.TryParse(digits, hex ? NumberStyles.HexNumber : NumberStyles.None, CultureInfo.InvariantCulture, out var cp)
                || cp is < 1 or > 0x10FFFF || cp is >= 0xD800 and <= 0xDFFF)
            {
                return null;
            }

            sb.Append(char.ConvertFromUtf32(cp));
            i += semi + 1;
        }

        return sb.ToString();
    }

    private static bool Hex(string s, int from, int count) =>
        from + count <= s.Length && !s.AsSpan(from, count).ContainsAnyExcept(HexDigits);
}
