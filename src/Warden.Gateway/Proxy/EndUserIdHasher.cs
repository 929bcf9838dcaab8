using System.Security.Cryptography;
using System.Text;
using Warden.Core.Audit;
using Warden.Gateway.Errors;

namespace Warden.Gateway.Proxy;

/// <summary>
/// HMAC-SHA256 of an end-user id under a key derived from Warden's audit content key (domain-separated, so the value a
/// provider sees is never an audit content hash): 64 lower-case hex characters, the same for the same id across requests
/// and restarts, useless to anyone without the key.
/// </summary>
internal sealed class EndUserIdHasher(AuditContentKeys keys)
{
    private const string Purpose = "warden/end-user-id/v1";

    private readonly byte[] _key = keys.DeriveKey(Purpose);

    public static EndUserIdHasher Require(EndUserIdHasher? hasher) =>
        hasher ?? throw new WardenHttpException(503, "end_user_hash_unavailable", "a provider hashes end-user ids but Warden holds no key for it; the request was not forwarded");

    public string Hash(string id) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(id)));

    /// <summary>The hash as a JSON string token (quotes included).</summary>
    public byte[] HashJson(string id) => Encoding.ASCII.GetBytes("\"" + Hash(id) + "\"");
}
