namespace Warden.Core.Identity;

/// <summary>Local user keys: <c>wdn_user_</c> + 256 random bits (same format and hashing as <see cref="ApiKeys"/>).</summary>
public static class UserKeys
{
    /// <summary>Prefix of user keys.</summary>
    public const string Prefix = "wdn_user_";

    /// <summary>A new user key (show it once; store only <see cref="Hash"/>).</summary>
    public static string Generate() => ApiKeys.Generate(Prefix);

    /// <summary>True when the credential has the shape of a user key (no I/O).</summary>
    public static bool LooksLikeKey(string credential) => ApiKeys.HasShape(credential, Prefix);

    /// <summary>The stored form: lower-case hex SHA-256.</summary>
    public static string Hash(string key) => ApiKeys.Hash(key);

    internal static string Base64Url(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
