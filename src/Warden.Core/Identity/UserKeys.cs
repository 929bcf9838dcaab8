using System.Security.Cryptography;
using System.Text;

namespace Warden.Core.Identity;

/// <summary>Local user keys: <c>wdu_</c> + 32 random bytes (base64url). Stored as SHA-256 only.</summary>
internal static class UserKeys
{
    public const string Prefix = "wdu_";

    public static string Generate() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static bool LooksLikeKey(string credential) =>
        credential.StartsWith(Prefix, StringComparison.Ordinal) && credential.Length is > 20 and < 100;

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    internal static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
