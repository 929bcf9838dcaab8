using System.Net;
using System.Security.Cryptography;
using System.Text;
using Warden.Gateway.Hosting;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Providers;

/// <summary>With a key-encryption key the Data Protection key ring is wrapped at rest, and a wrong or missing KEK stops start-up.</summary>
public sealed class KeyRingEncryptionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("warden-kek-").FullName;

    private string DataDir => Path.Combine(_root, "data");

    [Fact]
    public async Task Kek_KeyRingWrappedAtRest_ProviderKeyStillUsableAfterRestart()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        var kek = WriteKek("kek-a");
        var settings = Settings(openai, kek);
        await using (var first = await GatewayFixture.StartAsync(settings, dataDirectory: DataDir))
        {
        }

        var ring = Directory.GetFiles(WardenPaths.KeyRing(DataDir), "*.xml");
        Assert.NotEmpty(ring);
        foreach (var file in ring)
        {
            var xml = await File.ReadAllTextAsync(file);
            Assert.Contains("<wardenWrappedKey", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal); // the unwrapped key element is never on disk
        }

        settings.Remove("Warden:Providers:openai:ApiKey"); // the stored (encrypted) key must decrypt through the wrapped ring
        await using var gw = await GatewayFixture.StartAsync(settings, dataDirectory: DataDir);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(
            """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer " + ProxySettings.OpenAIKeyCanary, openai.Requests.Single().Headers["Authorization"]);

        // The audit signing and content keys are wrapped under the same KEK; the trail still verifies.
        foreach (var file in new[] { Core.Audit.AuditSigningKey.PrivateKeyFileName, Core.Audit.AuditContentKeys.FileName })
        {
            Assert.StartsWith("warden-wrapped-key v1\n", await File.ReadAllTextAsync(Path.Combine(DataDir, file)), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("PRIVATE KEY", gw.ReadAllDataFiles(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kek_WrongOrMissingAtRestart_StartRefusedNamingTheKek()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using (await GatewayFixture.StartAsync(Settings(openai, WriteKek("kek-a")), dataDirectory: DataDir))
        {
        }

        var wrong = await Assert.ThrowsAsync<WardenConfigurationException>(() => GatewayFixture.StartAsync(Settings(openai, WriteKek("kek-b")), dataDirectory: DataDir));
        Assert.Contains("wrapped with key-encryption key", wrong.Message, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<WardenConfigurationException>(() => GatewayFixture.StartAsync(Settings(openai, null), dataDirectory: DataDir));
        Assert.Contains("none is configured", missing.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not base64 at all", "32 random bytes")]
    [InlineData("c2hvcnQ=", "32 random bytes")]
    public async Task Kek_MalformedFile_StartRefused(string content, string expected)
    {
        var path = Path.Combine(_root, "bad-kek");
        await File.WriteAllTextAsync(path, content);
        await using var openai = await FakeProvider.StartAsync("openai");
        var ex = await Assert.ThrowsAsync<WardenConfigurationException>(() => GatewayFixture.StartAsync(Settings(openai, path), dataDirectory: DataDir));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(content, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kek_InsideDataDirectory_Rejected()
    {
        Directory.CreateDirectory(DataDir);
        var path = Path.Combine(DataDir, "kek");
        await File.WriteAllTextAsync(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var ex = await Assert.ThrowsAsync<WardenConfigurationException>(() => GatewayFixture.StartAsync(
            new Dictionary<string, string?> { ["Warden:KeyEncryptionKeyFile"] = path }, dataDirectory: DataDir));
        Assert.Contains("must not be inside the data directory", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static Dictionary<string, string?> Settings(FakeProvider openai, string? kek)
    {
        var s = ProxySettings.For(openai);
        if (kek is not null)
        {
            s["Warden:KeyEncryptionKeyFile"] = kek;
        }

        return s;
    }

    private string WriteKek(string name)
    {
        var path = Path.Combine(_root, name);
        if (!File.Exists(path))
        {
            File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }

        return path;
    }
}
