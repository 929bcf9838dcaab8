using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic.Models.Messages;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using Warden.Core.Audit;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>
/// Function/tool names are identifiers the provider must echo back exactly: never scrubbed. Under scrubbing, a name that
/// holds data scrubbing protects is refused with a 400 in the caller's dialect (the name is not echoed) and nothing is
/// forwarded; a clean name goes out verbatim while the rest of the tool (its description) is scrubbed. The error is the
/// OpenAI shape on /v1/chat/completions, the Anthropic shape on /v1/messages, problem+json on /api/proxy, streamed or not,
/// and the canary e-mail is in no answer, log line or stored file.
/// </summary>
public sealed class ToolNamePiiTests
{
    private const string Email = "canary.7f3a9c@example.com";
    private const string PiiName = "notify_" + Email;

    private static async Task<GatewayFixture> StartAsync(FakeProvider openai, FakeProvider anthropic, bool scrub = true)
    {
        return await GatewayFixture.StartAsync(scrub ? ProxySettings.Scrubbing(openai, anthropic) : ProxySettings.For(openai, anthropic));
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

    public static TheoryData<string, string> PiiNamesStreamedAndProxy => new()
    {
        { "v1/chat/completions", $$$$$$"""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"{{{{{{PiiName}}}}}}"}}]}""" },
        { "v1/messages", $$$$$$"""{"model":"claude-sonnet-4-5","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"{{{{{{PiiName}}}}}}","input_schema":{"type":"object"}}]}""" },
        { "api/proxy", $$$$$$"""{"provider":"openai","model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"{{{{{{PiiName}}}}}}"}}]}""" },
        { "api/proxy", $$$$$$"""{"provider":"openai","model":"gpt-4o-mini","scrub":true,"stream":true,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"{{{{{{PiiName}}}}}}","arguments":"{}"}}]}]}""" },
        { "api/proxy", $$$$$$"""{"provider":"anthropic","model":"claude-sonnet-4-5","messages":[{"role":"user","content":"hi"}],"tool_choice":{"type":"function","function":{"name":"{{{{{{PiiName}}}}}}"}}}""" },
    };

    [Theory]
    [MemberData(nameof(PiiNames))]
    [MemberData(nameof(PiiNamesStreamedAndProxy))]
    public async Task RequireScrub_ToolNameHoldsPii_Refused400InTheCallersShape_NotEchoed_NothingForwarded(string path, string body)
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        await using var gw = await StartAsync(openai, anthropic);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("warden", response.Headers.GetValues("warden-error-source").Single());
        var text = await response.Content.ReadAsStringAsync();
        var json = JsonNode.Parse(text)!.AsObject();
        var media = response.Content.Headers.ContentType!.MediaType;
        string? message;
        switch (path)
        {
            case "v1/chat/completions": // OpenAI: {"error":{"message","type","param","code"}}
                Assert.Equal("application/json", media);
                Assert.Equal(new[] { "error" }, json.Select(p => p.Key));
                var error = json["error"]!.AsObject();
                Assert.Equal(new[] { "message", "type", "param", "code" }, error.Select(p => p.Key));
                Assert.Equal("invalid_request_error", (string?)error["type"]);
                Assert.Null(error["param"]);
                Assert.Equal("warden_invalid_request", (string?)error["code"]);
                message = (string?)error["message"];
                break;
            case "v1/messages": // Anthropic: {"type":"error","error":{"type","message"}}
                Assert.Equal("application/json", media);
                Assert.Equal("error", (string?)json["type"]);
                Assert.Equal("invalid_request_error", (string?)json["error"]!["type"]);
                message = (string?)json["error"]!["message"];
                break;
            default: // problem+json
                Assert.Equal("application/problem+json", media);
                Assert.Equal(400, (int?)json["status"]);
                Assert.Equal("warden_invalid_request", (string?)json["code"]);
                Assert.Equal("warden", (string?)json["source"]);
                message = (string?)json["detail"];
                break;
        }

        Assert.Contains("tool name holds data that scrubbing protects", message, StringComparison.Ordinal);
        AssertNoCanary(gw, text);
        Assert.Empty(openai.Requests);
        Assert.Empty(anthropic.Requests);

        // The refusal is in the trail with its reason code (not its message).
        var rows = await gw.App.Services.GetRequiredService<IAuditStore>().QueryAsync(new AuditQuery { Type = "gateway.rejected" }, default);
        var rejected = AuditCanonicalJson.Parse(Assert.Single(rows)).Event;
        Assert.Equal(400, rejected.Status);
        Assert.Equal("warden_invalid_request", rejected.Attributes!["error_code"]);
    }

    private static void AssertNoCanary(GatewayFixture gw, string answer)
    {
        foreach (var where in new[] { answer, gw.Logs.AllText, gw.ReadAllDataFiles() })
        {
            Assert.DoesNotContain("canary.7f3a9c", where, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RequireScrub_ToolNameHoldsPii_OpenAISdkGets400_StreamedAndNot()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        await using var gw = await StartAsync(openai, anthropic);
        var chat = Sdk.OpenAIChat(gw, await gw.CreateAgentKeyAsync("a"), "gpt-4o-mini");
        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool(PiiName, "notifies") } };
        var ex = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")], options));
        Assert.Equal(400, ex.Status);
        Assert.Contains("tool name", ex.Message, StringComparison.Ordinal);
        var streamed = await Assert.ThrowsAsync<ClientResultException>(async () =>
        {
            await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("hi")], options))
            {
                Assert.Fail("no update expected, got " + update.CompletionId);
            }
        });
        Assert.Equal(400, streamed.Status);
        AssertNoCanary(gw, ex.Message + streamed.Message);
        Assert.Empty(openai.Requests);
    }

    [Fact]
    public async Task RequireScrub_ToolNameHoldsPii_AnthropicSdkGets400_StreamedAndNot()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        await using var gw = await StartAsync(openai, anthropic);
        var sdk = Sdk.Anthropic(gw, await gw.CreateAgentKeyAsync("a"));
        var request = new MessageCreateParams
        {
            Model = "claude-sonnet-4-5",
            MaxTokens = 10,
            Messages = [new UserMessageParam("hi")],
            Tools =
            [
                new Tool
                {
                    Name = PiiName,
                    Description = "notifies",
                    InputSchema = new InputSchema { Properties = new Dictionary<string, JsonElement>() },
                },
            ],
        };
        var ex = await Assert.ThrowsAnyAsync<Anthropic.Exceptions.AnthropicApiException>(() => sdk.Messages.Create(request));
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        var streamed = await Assert.ThrowsAnyAsync<Anthropic.Exceptions.AnthropicApiException>(async () =>
        {
            await foreach (var evt in sdk.Messages.CreateStreaming(request))
            {
                Assert.Fail("no event expected, got " + evt);
            }
        });
        Assert.Equal(HttpStatusCode.BadRequest, streamed.StatusCode);
        AssertNoCanary(gw, ex.Message + streamed.Message);
        Assert.Empty(anthropic.Requests);
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
