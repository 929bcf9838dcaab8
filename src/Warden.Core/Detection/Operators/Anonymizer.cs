using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Warden.Core.Detection.Operators;

/// <summary>Applies an operator to the findings of a text (findings must not overlap, as the engine returns them).</summary>
public static class Anonymizer
{
    /// <summary>Returns <paramref name="text"/> with every finding replaced. <paramref name="surrogate"/> serves <see cref="ScrubOperator.Pseudonymize"/>.</summary>
    public static string Apply(string text, IReadOnlyList<Finding> findings, OperatorOptions options, Func<Finding, string, string>? surrogate = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (findings.Count == 0)
        {
            return text;
        }

        if (options.Operator == ScrubOperator.Pseudonymize && surrogate is null)
        {
            throw new ArgumentException("pseudonymize needs a session (IPseudonymizationSession.Protect)", nameof(surrogate));
        }

        var sb = new StringBuilder(text.Length + (findings.Count * 16));
        var pos = 0;
        foreach (var f in findings.OrderBy(f => f.Start))
        {
            if (f.Start < pos || f.End > text.Length)
            {
                throw new ArgumentException("findings overlap or fall outside the text", nameof(findings));
            }

            sb.Append(text, pos, f.Start - pos);
            var value = text.Substring(f.Start, f.Length);
            sb.Append(options.Operator switch
            {
                ScrubOperator.Redact => $"<{f.Type}>",
                ScrubOperator.Mask => Mask(value, options),
                ScrubOperator.Hash => Hash(f.Type, value, options.HashKey!),
                ScrubOperator.Encrypt => Encrypt(f.Type, value, options.EncryptionKey!),
                _ => surrogate!(f, value),
            });
            pos = f.End;
        }

        sb.Append(text, pos, text.Length - pos);
        return sb.ToString();
    }

    internal static string Mask(string value, OperatorOptions options)
    {
        var chars = value.ToCharArray();
        var alnum = value.Count(char.IsLetterOrDigit);
        var keep = alnum >= 2 * options.MaskKeepLast ? options.MaskKeepLast : 0;
        var kept = 0;
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            if (!char.IsLetterOrDigit(chars[i]))
            {
                continue; // separators keep the shape: 4111-****-****-1111 style
            }

            if (kept < keep)
            {
                kept++;
                continue;
            }

            chars[i] = options.MaskChar;
        }

        return new string(chars);
    }

    internal static string Hash(string type, string value, byte[] key)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(type + "\0" + value), mac);
        return $"<{type}:hmac:{Convert.ToHexStringLower(mac[..16])}>";
    }

    internal static string Encrypt(string type, string value, byte[] key)
    {
        var plain = Encoding.UTF8.GetBytes(value);
        var blob = new byte[12 + plain.Length + 16];
        RandomNumberGenerator.Fill(blob.AsSpan(0, 12));
        using var gcm = new AesGcm(key, 16);
        gcm.Encrypt(blob.AsSpan(0, 12), plain, blob.AsSpan(12, plain.Length), blob.AsSpan(12 + plain.Length), Encoding.UTF8.GetBytes(type));
        return $"<{type}:enc:{Base64Url.EncodeToString(blob)}>";
    }

    /// <summary>Reverses <see cref="ScrubOperator.Encrypt"/> for one token's payload; throws <see cref="CryptographicException"/> when tampered.</summary>
    public static string Decrypt(string type, string payload, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var blob = Base64Url.DecodeFromChars(payload);
        if (blob.Length < 28)
        {
            throw new CryptographicException("ciphertext too short");
        }

        var plain = new byte[blob.Length - 28];
        using var gcm = new AesGcm(key, 16);
        gcm.Decrypt(blob.AsSpan(0, 12), blob.AsSpan(12, plain.Length), blob.AsSpan(12 + plain.Length), plain, Encoding.UTF8.GetBytes(type));
        return Encoding.UTF8.GetString(plain);
    }
}
