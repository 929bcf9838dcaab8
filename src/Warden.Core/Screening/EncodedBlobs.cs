using System.Buffers;
using System.Text;

namespace Warden.Core.Screening;

/// <summary>
/// Finds base64/base64url and hex runs, decodes them within a size bound and, when they decode to text,
/// replaces them with a marker and hands the decoded text to the detector.
/// </summary>
internal static class EncodedBlobs
{
    private static readonly SearchValues<char> Base64Chars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_");

    private static readonly SearchValues<char> HexChars = SearchValues.Create("0123456789abcdefABCDEF");

    public static string Decode(string text, FindingCollector findings)
    {
        var opts = findings.Options;
        StringBuilder? sb = null;
        var copied = 0;
        var i = 0;
        while (i < text.Length)
        {
            var rel = text.AsSpan(i).IndexOfAny(Base64Chars);
            if (rel < 0)
            {
                break;
            }

            var start = i + rel;
            var end = start;
            while (end < text.Length && Base64Chars.Contains(text[end]))
            {
                end++;
            }

            i = end;
            var len = end - start;
            if (len < opts.MinBlobChars || start > 0 && text[start - 1] is '/' or '.' or '@' or ':')
            {
                continue;
            }

            var run = text.AsSpan(start, len);
            if (len > opts.MaxBlobChars)
            {
                if (LooksLikeBlob(run))
                {
                    findings.Add(FindingKind.EncodedBlob, start, len, $"encoded run of {len} chars too large to decode; removed");
                    Replace(ref sb, text, ref copied, start, end, $"[encoded data removed: {len} chars]");
                }

                continue;
            }

            if (!LooksLikeBlob(run) || !TryDecode(run, out var decoded, out var encoding))
            {
                continue;
            }

            findings.Add(FindingKind.EncodedBlob, start, len, $"{encoding} blob decoding to {decoded.Length} chars of text");
            findings.AddPayload(FindingKind.EncodedBlob, decoded);
            Replace(ref sb, text, ref copied, start, end, $"[{encoding} text removed: {decoded.Length} chars]");
        }

        if (sb is null)
        {
            return text;
        }

        sb.Append(text, copied, text.Length - copied);
        return sb.ToString();
    }

    /// <summary>Copies <paramref name="text"/> up to <paramref name="start"/> and a marker instead of the run (shared with <see cref="EscapedText"/>).</summary>
    internal static void Replace(ref StringBuilder? sb, string text, ref int copied, int start, int end, string marker)
    {
        sb ??= new StringBuilder(text.Length);
        sb.Append(text, copied, start - copied).Append(marker);
        copied = end;
    }

    private static bool LooksLikeBlob(ReadOnlySpan<char> run)
    {
        int upper = 0, lower = 0, digit = 0;
        foreach (var c in run)
        {
            if (char.IsAsciiLetterUpper(c)) upper++;
            else if (char.IsAsciiLetterLower(c)) lower++;
            else if (char.IsAsciiDigit(c)) digit++;
        }

        var isHex = run.Length % 2 == 0 && !run.ContainsAnyExcept(HexChars);
        return isHex || (upper > 0 && lower > 0 && (digit > 0 || upper * 6 > run.Length));
    }

    private static bool TryDecode(ReadOnlySpan<char> run, out string decoded, out string encoding)
    {
        decoded = string.Empty;
        encoding = string.Empty;
        var buffer = ArrayPool<byte>.Shared.Rent(run.Length);
        try
        {
            int written;
            if (run.Length % 2 == 0 && !run.ContainsAnyExcept(HexChars))
            {
                if (Convert.FromHexString(run, buffer, out _, out written) != OperationStatus.Done)
                {
                    return false;
                }

                encoding = "hex";
            }
            else
            {
                Span<char> normal = run.Length <= 1024 ? stackalloc char[run.Length + 3] : new char[run.Length + 3];
                var n = 0;
                foreach (var c in run)
                {
                    normal[n++] = c switch { '-' => '+', '_' => '/', _ => c };
                }

                while (n % 4 != 0)
                {
                    normal[n++] = '=';
                }

                if (!Convert.TryFromBase64Chars(normal[..n], buffer, out written))
                {
                    return false;
                }

                encoding = "base64";
            }

            var utf8 = new UTF8Encoding(false, throwOnInvalidBytes: false);
            decoded = utf8.GetString(buffer, 0, written);
            return TextHeuristics.IsMostlyPrintable(decoded) && decoded.Contains(' ', StringComparison.Ordinal);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
