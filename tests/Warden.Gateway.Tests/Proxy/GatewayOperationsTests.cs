using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>Provider keys at rest, metrics, models, embeddings and the demo echo provider.</summary>
public sealed class GatewayOperationsTests
{
    private const string PromptCanary = "PROMPT-CANARY-5aa7e2";

    [Fact]
    public async Task ProviderKeys_EncryptedOnDisk_NeverInLogsOrResponses()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"{{PromptCanary}}"}]}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer " + ProxySettings.OpenAIKeyCanary, openai.Requests.Single().Headers["Authorization"]);

        var files = gw.ReadAllDataFiles();
        Assert.DoesNotContain(ProxySettings.OpenAIKeyCanary, files, StringComparison.Ordinal);
        Assert.DoesNotContain("CANARY-7f3a9c1e5b", files, StringComparison.Ordinal);
        Assert.Contains("provider_keys", files, StringComparison.Ordinal);
        Assert.DoesNotContain(ProxySettings.OpenAIKeyCanary, body, StringComparison.Ordinal);
        Assert.DoesNotContain(ProxySettings.OpenAIKeyCanary, gw.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(PromptCanary, gw.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(PromptCanary, files, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProviderKey_StoredEncrypted_IsUsedAfterRestartWithoutConfig()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        var dir = Path.Combine(Path.GetTempPath(), "warden-gw-" + Guid.NewGuid().ToString("N"));
        await using (await GatewayFixture.StartAsync(ProxySettings.For(openai), dataDirectory: dir))
        {
        }

        var settings = ProxySettings.For(openai);
        settings.Remove("Warden:Providers:openai:ApiKey");
        await using var gw = await GatewayFixture.StartAsync(settings, dataDirectory: dir);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(
            """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer " + ProxySettings.OpenAIKeyCanary, openai.Requests.Single().Headers["Authorization"]);
    }

    [Fact]
    public async Task Metrics_CountRequestsAndTokensPerProviderAndAgent_NoPromptText()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("metered-agent"));
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"{{PromptCanary}}"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("metrics")).StatusCode);
        using var admin = gw.CreateClient(gw.Info.NewAdminKey);
        string metrics = "";
        for (var i = 0; i < 20 && !metrics.Contains("warden_gateway_tokens", StringComparison.Ordinal); i++)
        {
            metrics = await admin.GetStringAsync("metrics");
            await Task.Delay(100);
        }

        Assert.Contains("warden_gateway_requests", metrics, StringComparison.Ordinal);
        Assert.Contains("warden_gateway_request_duration_seconds_bucket", metrics, StringComparison.Ordinal);
        var tokensLine = metrics.Split('\n').Single(l => l.StartsWith("warden_gateway_tokens", StringComparison.Ordinal) && l.Contains("direction=\"input\"", StringComparison.Ordinal)
            && l.Contains("agent=\"metered-agent\"", StringComparison.Ordinal));
        Assert.Contains("provider=\"openai\"", tokensLine, StringComparison.Ordinal);
        Assert.Equal("11", tokensLine.Split(' ')[1]);
        Assert.DoesNotContain(PromptCanary, metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_And_Embeddings_Work()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        var settings = ProxySettings.For(openai);
        settings["Warden:Models:fast:Provider"] = "openai";
        settings["Warden:Models:fast:Model"] = "gpt-4o-mini";
        await using var gw = await GatewayFixture.StartAsync(settings);
        var key = await gw.CreateAgentKeyAsync("a");
        var models = (await Sdk.OpenAI(gw, key).GetOpenAIModelClient().GetModelsAsync()).Value;
        Assert.Contains(models, m => m.Id == "fast");
        Assert.Contains(models, m => m.Id == "gpt-4o-mini");

        var embedding = (await Sdk.OpenAI(gw, key).GetEmbeddingClient("openai/text-embedding-3-small").GenerateEmbeddingAsync("hello")).Value;
        Assert.Equal(3, embedding.ToFloats().Length);
        Assert.Equal("text-embedding-3-small", (string?)openai.Requests.Single().Json["model"]);
        Assert.Equal("/v1/embeddings", openai.Requests.Single().Path);
    }

    [Theory]
    [InlineData("""[1, 2, 3]""")]
    [InlineData("""[[1, 2], [3]]""")]
    [InlineData("""["text", 42]""")]
    [InlineData("""["text", ["nested"]]""")]
    [InlineData("""[{"text": "x"}]""")]
    [InlineData("""["text", null]""")]
    public async Task Embeddings_InputNotText_RefusedBeforeForwarding(string input)
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/embeddings", new StringContent(
            $$"""{"model":"openai/text-embedding-3-small","input":{{input}}}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("token ids cannot be classified or scrubbed", body, StringComparison.Ordinal);
        Assert.Equal("invalid_request_error", (string?)JsonNode.Parse(body)!["error"]!["type"]);
        Assert.Empty(openai.Requests);

        // Text, a string or an array of strings, still goes through.
        using var ok = await client.PostAsync("v1/embeddings", new StringContent(
            """{"model":"openai/text-embedding-3-small","input":["a", "b"]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Single(openai.Requests);
    }

    [Fact]
    public async Task Demo_EchoProvider_AnswersAllEndpoints_StreamedAndNot()
    {
        await using var gw = await GatewayFixture.StartAsync(new Dictionary<string, string?> { ["Warden:Demo"] = "true" });
        Assert.NotNull(gw.Info.DemoAgentKey);
        var chat = Sdk.OpenAIChat(gw, gw.Info.DemoAgentKey!, "echo");
        OpenAI.Chat.ChatCompletion answer = await chat.CompleteChatAsync([new OpenAI.Chat.UserChatMessage("Hello Warden")]);
        Assert.Equal("echo: Hello Warden", answer.Content[0].Text);
        Assert.Equal(2, answer.Usage.InputTokenCount);
        Assert.Equal(3, answer.Usage.OutputTokenCount);

        var streamed = new StringBuilder();
        await foreach (var u in chat.CompleteChatStreamingAsync([new OpenAI.Chat.UserChatMessage("Hello stream")]))
        {
            foreach (var p in u.ContentUpdate)
            {
                streamed.Append(p.Text);
            }
        }

        Assert.Equal("echo: Hello stream", streamed.ToString());

        var anthropic = Sdk.Anthropic(gw, gw.Info.DemoAgentKey!);
        var message = await anthropic.Messages.Create(new Anthropic.Models.Messages.MessageCreateParams
        {
            Model = "echo",
            MaxTokens = 50,
            Messages = [new Anthropic.Models.Messages.UserMessageParam("Hello Claude SDK")],
        });
        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal("echo: Hello Claude SDK", text!.Text);

        using var client = gw.CreateClient(gw.Info.DemoAgentKey);
        using var proxy = await client.PostAsync("api/proxy", new StringContent(
            """{"provider":"echo","model":"echo","messages":[{"role":"user","content":"via proxy"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal("echo: via proxy", (string?)JsonNode.Parse(await proxy.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!["content"]);
    }

    [Theory]
    [InlineData("v1/chat/completions", """{"model":"echo","messages":[null,3,"x"]}""")]
    [InlineData("v1/chat/completions", """{"model":"echo","messages":[{"role":"user","content":[5]}]}""")]
    [InlineData("v1/messages", """{"model":"echo","max_tokens":10,"messages":[{"role":"user","content":5}]}""")]
    public async Task Demo_EchoProvider_MalformedMessages_Returns400InCallersShape_AndKeepsServing(string path, string body)
    {
        await using var gw = await GatewayFixture.StartAsync(new Dictionary<string, string?> { ["Warden:Demo"] = "true" });
        using var client = gw.CreateClient(gw.Info.DemoAgentKey);
        using var bad = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        var error = JsonNode.Parse(await bad.Content.ReadAsStringAsync())!;
        Assert.Equal("invalid_request_error", (string?)error["error"]!["type"]); // both dialects put the type at error.type

        using var good = await client.PostAsync("v1/chat/completions", new StringContent(
            """{"model":"echo","messages":[{"role":"user","content":"still here"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal("echo: still here", (string?)JsonNode.Parse(await good.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!["content"]);
    }
}
