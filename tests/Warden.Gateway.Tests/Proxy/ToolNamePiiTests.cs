using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Chat;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>
/// Function/tool names are identifiers the provider must echo back exactly: never scrubbed. Under scrubbing, a name that
/// holds data scrubbing protects is refused with a 400 in the caller's dialect (the name is not echoed) and nothing is
/// forwarded; a clean name goes out verbatim while the rest of the tool (its description) is scrubbed.
/// </summary>
public sealed class ToolNamePiiTests
{
    private const string Email = "jane.doe@example.com";
    private const string PiiName = "notify_" + Email;

    private static async Task<GatewayFixture> StartAsync(FakeProvider openai, FakeProvider anthropic, bool scrub = true)
    {
        var settings = ProxySettings.For(openai, anthropic);
        if (scrub)
        {
            settings["Warden:Providers:openai:RequireScrub"] = "true";
            settings["Warden:Providers:anthropic:RequireScrub"] = "true";
        }

        return await GatewayFixture.StartAsync(settings);
    }

    public static TheoryData<string, string> PiiNames => new()
    {
        // OpenAI: tools[].function.name, a tool call's name in the history, tool_choice, the legacy functions list.
        { "v1/chat/completions", $$$$$$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"{{{{{{PiiName}}}}}}","parameters":{"type":"object"}}}]}""" },
        { "v1/chat/completions", $$$$$$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"{{{{{{PiiName}}}}}}","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"ok"}]}""" },
        { "v1/chat/completions", $$$$$$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"tool_choice":{"type":"function","function":{"name":"{{{{{{PiiName}}}}}}"}}}""" },
        { "v1/chat/completions", $$$$$$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"functions":[{"name":"{{{{{{PiiName}}}}}}","parameters":{"type":"object"}}]}""" },
        // Anthropic: tools[].name, a tool_use block's name in the history, tool_choice; and across dialects.
        { "v1/messages", $$$$$$"""{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"{{{{{{PiiName}}}}}}","input_schema":{"type":"object"}}]}""" },
        { "v1/messages", $$$$$$"""{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"{{{{{{PiiName}}}}}}","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}]}""" },
        { "v1/messages", $$$$$$"""{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"tool_choice":{"type":"tool","name":"{{{{{{PiiName}}}}}}"}}""" },
        { "v1/chat/completions", $$$$$$"""{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"{{{{{{PiiName}}}}}}"}}]}""" },
    };

    [Theory]
    [MemberData(nameof(PiiNames))]
    public async Task RequireScrub_ToolNameHoldsPii_Refused400_NotEchoed_NothingForwarded(string path, string body)
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        await using var gw = await StartAsync(openai, anthropic);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("tool name", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Email, text, StringComparison.Ordinal);
        var error = JsonNode.Parse(text)!["error"]!;
        Assert.NotNull(path == "v1/messages" ? error["type"] : error["message"]);
        Assert.Empty(openai.Requests);
        Assert.Empty(anthropic.Requests);
    }

    [Fact]
    public async Task RequireScrub_ToolNameHoldsPii_OpenAISdkGets400()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        await using var gw = await StartAsync(openai, anthropic);
        var chat = Sdk.OpenAIChat(gw, await gw.CreateAgentKeyAsync("a"), "gpt-4o-mini");
        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool(PiiName, "notifies") } };
        var ex = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")], options));
        Assert.Equal(400, ex.Status);
        Assert.Empty(openai.Requests);
    }

    [Fact]
    public async Task RequireScrub_CleanToolName_ForwardedVerbatim_DescriptionScrubbed_ToolCallComesBack()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        await using var gw = await StartAsync(openai, anthropic);
        var chat = Sdk.OpenAIChat(gw, await gw.CreateAgentKeyAsync("a"), "gpt-4o-mini");
        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("get_weather", "Ask " + Email) } };
        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("weather?")], options);
        Assert.Equal("get_weather", completion.ToolCalls.Single().FunctionName);
        var sent = openai.Requests.Single();
        Assert.Equal("get_weather", (string?)sent.Json["tools"]![0]!["function"]!["name"]);
        Assert.DoesNotContain(Email, sent.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoScrubbing_ToolNameWithEmail_ForwardedAsSent()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        await using var gw = await StartAsync(openai, anthropic, scrub: false);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var body = $$$$$$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"{{{{{{PiiName}}}}}}"}}]}""";
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PiiName, (string?)openai.Requests.Single().Json["tools"]![0]!["function"]!["name"]);
    }
}
