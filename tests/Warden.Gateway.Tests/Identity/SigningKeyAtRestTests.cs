using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Warden.Gateway.Tests.Identity;

/// <summary>Task-token signing keys are encrypted at rest; a key written into the database by hand is never trusted.</summary>
public sealed class SigningKeyAtRestTests
{
    [Fact]
    public async Task SigningKeys_StoredInDatabase_AreNotPlainPkcs8AndForgedRowsAreIgnored()
    {
        await using var gw = await IdentityGateway.StartAsync();
        var (agentKey, _, userKey, _) = await IdentityGateway.SetUpAsync(gw, ["llm:openai/*"], ["llm:openai/*"]);
        var exchanged = await IdentityGateway.ExchangeAsync(gw, userKey, agentKey, "llm:openai/gpt-4o", "task-rest");
        Assert.Equal(HttpStatusCode.OK, exchanged.StatusCode);
        var token = (await exchanged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await IdentityGateway.ChatAsync(gw, token, "openai/gpt-4o")).StatusCode);

        var database = Path.Combine(gw.DataDirectory, "warden.db");
        var stored = ReadKeys(database);
        Assert.NotEmpty(stored);
        foreach (var blob in stored)
        {
            using var ecdsa = ECDsa.Create();
            Assert.ThrowsAny<CryptographicException>(() => ecdsa.ImportPkcs8PrivateKey(blob, out _));
        }

        // Someone who can write warden.db but not the key ring plants a newer key and signs a token with it.
        using var forged = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using (var c = new SqliteConnection($"Data Source={database}"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "INSERT INTO signing_keys (kid, created_at, pkcs8) VALUES ('forged-kid', $at, $key)";
            cmd.Parameters.AddWithValue("$at", DateTime.UtcNow.AddSeconds(1).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            cmd.Parameters.AddWithValue("$key", forged.ExportPkcs8PrivateKey());
            cmd.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        await Task.Delay(TimeSpan.FromMilliseconds(1200)); // the ring reloads unknown key ids at most once a second
        var forgedToken = Resign(token, "forged-kid", forged);
        Assert.Equal(HttpStatusCode.Unauthorized, (await IdentityGateway.ChatAsync(gw, forgedToken, "openai/gpt-4o")).StatusCode);
        Assert.Contains("Ignored task-token signing key forged-kid", gw.Logs.AllText, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await IdentityGateway.ChatAsync(gw, token, "openai/gpt-4o")).StatusCode);
    }

    private static List<byte[]> ReadKeys(string database)
    {
        using var c = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT pkcs8 FROM signing_keys";
        using var r = cmd.ExecuteReader();
        var list = new List<byte[]>();
        while (r.Read())
        {
            list.Add((byte[])r.GetValue(0));
        }

        return list;
    }

    private static string Resign(string jwt, string kid, ECDsa key)
    {
        var parts = jwt.Split('.');
        var header = JsonNode.Parse(Base64UrlDecode(parts[0]))!.AsObject();
        header["kid"] = kid;
        var signingInput = Base64UrlEncode(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + parts[1];
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64UrlEncode(signature);
    }

    private static byte[] Base64UrlDecode(string s) =>
        Convert.FromBase64String(s.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (s.Length % 4)) % 4));

    private static string Base64UrlEncode(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
