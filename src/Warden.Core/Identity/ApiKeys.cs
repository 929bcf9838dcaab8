using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Warden.Core.Identity;

/// <summary>
/// Warden's opaque API keys: a prefix naming the kind (<c>wdn_agent_</c>, <c>wdn_admin_</c>) and
/// 256 random bits in base64url. A key is stored only as the SHA-256 of its text: with 256 bits of
/// entropy a fast unkeyed hash is safe (no dictionary to attack), and lookups stay O(1).
/// </summary>
public static class ApiKeys
{
    /// <summary>Prefix of agent keys.</summary>
    public const string AgentPrefix = "wdn_agent_";

    /// <summary>Prefix of admin keys.</summary>
    public const string AdminPrefix = "wdn_admin_";

    private const int RandomBytes = 32;

    /// <summary>Generates a new key with <paramref name="prefix"/>.</summary>
    public static string Generate(string prefix)
    {
        Span<byte> random = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(random);
        return prefix + Base64Url.EncodeToString(random);
    }

    /// <summary>Lower-case hex SHA-256 of the key text.</summary>
    public static string Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var max = Encoding.UTF8.GetMaxByteCount(key.Length);
        byte[]? rented = null;
        Span<byte> utf8 = max <= 512 ? stackalloc byte[512] : (rented = new byte[max]);
        var n = Encoding.UTF8.GetBytes(key, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..n], hash);
        CryptographicOperations.ZeroMemory(utf8[..n]);
        if (rented is not null)
        {
            CryptographicOperations.ZeroMemory(rented);
        }

        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Constant-time comparison of two hashes.</summary>
    public static bool HashEquals(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return CryptographicOperations.FixedTimeEquals(
            MemoryMarshalBytes(a), MemoryMarshalBytes(b));
    }

    private static ReadOnlySpan<byte> MemoryMarshalBytes(string s) =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(s.AsSpan());

    /// <summary>Checks the shape of a key with <paramref name="prefix"/> (no I/O).</summary>
    public static bool HasShape(string credential, string prefix) =>
        credential is not null
        && credential.Length == prefix.Length + 43
        && credential.StartsWith(prefix, StringComparison.Ordinal);
}
