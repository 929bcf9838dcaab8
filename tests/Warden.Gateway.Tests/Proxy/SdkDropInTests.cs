using System.Text;
using System.Text.Json;
using Anthropic.Models.Messages;
using OpenAI.Chat;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>The official OpenAI and Anthropic SDKs, unchanged but for their base URL, through Warden to fake providers.</summary>
public sealed class SdkDropInTests
{
    private const string PromptCanary = "PROMPT-CANARY-93b1f0";

    private static ChatTool WeatherTool() => ChatTool.CreateFunctionTool("get_weather", "Weather for a city",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    private static Tool AnthropicWeatherTool() => new()
    {
        Name = "get_weather",
        Description = "Weather for a city",
        InputSchema = new InputSchema
        {
            Properties = new Dictionary<string, JsonElement> { ["city"] = JsonDocument.Parse("""{"type":"string"}""").RootElement },
            Required = ["city"],
        },
    };

    private static async Task<(GatewayFixture Gw, FakeProvider OpenAI, FakeProvider Anthropic, string Key)> StartAsync()
    {
        var openai = await FakeProvider.StartAsync("openai");
        var anthropic = await FakeProvider.StartAsync("anthropic");
        var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai, anthropic));
        var key = await gw.CreateAgentKeyAsync("agent-sdk");
        return (gw, openai, anthropic, key);
    }

    private static void AssertCleanEgress(RecordedRequest r, string agentKey, string expectedProviderKey, string headerName)
    {
        foreach (var h in new[] { "X-Forwarded-For", "Forwarded", "X-Real-IP", "Cookie", "OpenAI-Organization", "OpenAI-Project", "x-stainless-os" })
        {
            Assert.False(r.Headers.ContainsKey(h), $"provider received header {h}");
        }

        foreach (var (name, value) in r.Headers)
        {
            Assert.DoesNotContain(agentKey, value, StringComparison.Ordinal);
            Assert.DoesNotContain("client-app-canary", value, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(agentKey, r.Body, StringComparison.Ordinal);
        Assert.StartsWith("warden", r.Headers["User-Agent"], StringComparison.Ordinal);
        Assert.Contains(expectedProviderKey, r.Headers[headerName], StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAISdk_ToOpenAIProvider_PlainStreamedAndTools_ProviderSeesOnlyWarden()
    {
        var (gw, openai, anthropic, key) = await StartAsync();
        await using (gw)
        await using (openai)
        await using (anthropic)
        {
            var chat = Sdk.OpenAIChat(gw, key, "gpt-4o-mini");

            ChatCompletion plain = await chat.CompleteChatAsync([new UserChatMessage("Say hi " + PromptCanary)]);
            Assert.Equal("Hello from the fake provider | Say hi " + PromptCanary, plain.Content[0].Text);
            Assert.Equal(11, plain.Usage.InputTokenCount);

            var streamed = new StringBuilder();
            await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("stream please")]))
            {
                foreach (var part in update.ContentUpdate)
                {
                    streamed.Append(part.Text);
                }
            }

            Assert.Equal("Hello from the fake provider | stream please ", streamed.ToString());

            var options = new ChatCompletionOptions { Tools = { WeatherTool() } };
            ChatCompletion toolCall = await chat.CompleteChatAsync([new UserChatMessage("weather in Paris?")], options);
            Assert.Equal(ChatFinishReason.ToolCalls, toolCall.FinishReason);
            Assert.Equal("get_weather", toolCall.ToolCalls[0].FunctionName);
            Assert.Equal("Paris", JsonDocument.Parse(toolCall.ToolCalls[0].FunctionArguments).RootElement.GetProperty("city").GetString());

            Assert.Equal(3, openai.Requests.Count);
            Assert.Empty(anthropic.Requests);
            foreach (var r in openai.Requests)
            {
                Assert.Equal("/v1/chat/completions", r.Path);
                AssertCleanEgress(r, key, "Bearer " + ProxySettings.OpenAIKeyCanary, "Authorization");
            }

            Assert.DoesNotContain(PromptCanary, gw.Logs.AllText, StringComparison.Ordinal);
            Assert.DoesNotContain(ProxySettings.OpenAIKeyCanary, gw.Logs.AllText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task OpenAISdk_StreamedToolCall_ArgumentsArriveWhole()
    {
        var (gw, openai, anthropic, key) = await StartAsync();
        await using (gw)
        await using (openai)
        await using (anthropic)
        {
            foreach (var model in new[] { "gpt-4o-mini", "claude-sonnet-4-5" })
            {
                var chat = Sdk.OpenAIChat(gw, key, model);
                var args = new StringBuilder();
                string? name = null;
                ChatFinishReason? finish = null;
                await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("weather?")], new ChatCompletionOptions { Tools = { WeatherTool() } }))
                {
                    foreach (var tc in update.ToolCallUpdates)
                    {
                        name ??= tc.FunctionName;
                        args.Append(tc.FunctionArgumentsUpdate?.ToString());
                    }

                    finish ??= update.FinishReason;
                }

                Assert.Equal("get_weather", name);
                Assert.Equal("Paris", JsonDocument.Parse(args.ToString()).RootElement.GetProperty("city").GetString());
                Assert.Equal(ChatFinishReason.ToolCalls, finish);
            }
        }
    }

    [Fact]
    public async Task AnthropicSdk_ToAnthropicProvider_PlainStreamedAndTools_ProviderSeesOnlyWarden()
    {
        var (gw, openai, anthropic, key) = await StartAsync();
        await using (gw)
        await using (openai)
        await using (anthropic)
        {
            var client = Sdk.Anthropic(gw, key);
            var message = await client.Messages.Create(new MessageCreateParams
            {
                Model = "claude-sonnet-4-5",
                MaxTokens = 100,
                Messages = [new UserMessageParam("Say hi " + PromptCanary)],
            });
            Assert.True(message.Content[0].TryPickText(out var text));
            Assert.Equal("Hello from the fake provider | Say hi " + PromptCanary, text!.Text);

            var streamed = new StringBuilder();
            await foreach (var evt in client.Messages.CreateStreaming(new MessageCreateParams
            {
                Model = "claude-sonnet-4-5",
                MaxTokens = 100,
                Messages = [new UserMessageParam("stream please")],
            }))
            {
                if (evt.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var t))
                {
                    streamed.Append(t.Text);
                }
            }

            Assert.Equal("Hello from the fake provider | stream please ", streamed.ToString());

            var tool = await client.Messages.Create(new MessageCreateParams
            {
                Model = "claude-sonnet-4-5",
                MaxTokens = 100,
                Messages = [new UserMessageParam("weather in Paris?")],
                Tools = [AnthropicWeatherTool()],
            });
            Assert.True(tool.Content[0].TryPickToolUse(out var use));
            Assert.Equal("get_weather", use!.Name);
            Assert.Equal("Paris", use.Input["city"].GetString());

            Assert.Equal(3, anthropic.Requests.Count);
            Assert.Empty(openai.Requests);
            foreach (var r in anthropic.Requests)
            {
                Assert.Equal("/v1/messages", r.Path);
                AssertCleanEgress(r, key, ProxySettings.AnthropicKeyCanary, "x-api-key");
                Assert.Equal("2023-06-01", r.Headers["anthropic-version"]);
            }
        }
    }

    [Fact]
    public async Task OpenAISdk_ToAnthropicProvider_TranslatesRequestResponseStreamAndTools()
    {
        var (gw, openai, anthropic, key) = await StartAsync();
        await using (gw)
        await using (openai)
        await using (anthropic)
        {
            var chat = Sdk.OpenAIChat(gw, key, "claude-sonnet-4-5");
            ChatCompletion plain = await chat.CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Hi there")]);
            Assert.Equal("Hello from the fake provider | Hi there", plain.Content[0].Text);
            Assert.Equal(13, plain.Usage.InputTokenCount);
            Assert.Equal(5, plain.Usage.OutputTokenCount);

            var sent = anthropic.Requests.Last().Json;
            Assert.Equal("Be brief.", (string?)sent["system"]);
            Assert.Equal("claude-sonnet-4-5", (string?)sent["model"]);
            Assert.NotNull(sent["max_tokens"]);
            Assert.Equal("user", (string?)sent["messages"]![0]!["role"]);

            var streamed = new StringBuilder();
            await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("stream please")]))
            {
                foreach (var part in update.ContentUpdate)
                {
                    streamed.Append(part.Text);
                }
            }

            Assert.Equal("Hello from the fake provider | stream please ", streamed.ToString());

            // Tool round trip: the call comes back as an OpenAI tool_call, the result goes out as an Anthropic tool_result.
            var tools = new ChatCompletionOptions { Tools = { WeatherTool() } };
            ChatCompletion call = await chat.CompleteChatAsync([new UserChatMessage("weather?")], tools);
            Assert.Equal("get_weather", call.ToolCalls[0].FunctionName);
            Assert.Equal("toolu_1", call.ToolCalls[0].Id);
            List<ChatMessage> history = [new UserChatMessage("weather?"), new AssistantChatMessage(call), new ToolChatMessage(call.ToolCalls[0].Id, "sunny, 21C")];
            ChatCompletion final = await chat.CompleteChatAsync(history, tools);
            Assert.Contains("tool_result:sunny, 21C", final.Content[0].Text, StringComparison.Ordinal);
            var last = anthropic.Requests.Last().Json;
            var toolResult = last["messages"]![2]!["content"]![0]!;
            Assert.Equal("tool_result", (string?)toolResult["type"]);
            Assert.Equal("toolu_1", (string?)toolResult["tool_use_id"]);
            Assert.Equal("get_weather", (string?)last["tools"]![0]!["name"]);
            Assert.Empty(openai.Requests);
        }
    }

    [Fact]
    public async Task AnthropicSdk_ToOpenAIProvider_TranslatesRequestResponseStreamAndTools()
    {
        var (gw, openai, anthropic, key) = await StartAsync();
        await using (gw)
        await using (openai)
        await using (anthropic)
        {
            var client = Sdk.Anthropic(gw, key);
            var message = await client.Messages.Create(new MessageCreateParams
            {
                Model = "gpt-4o-mini",
                MaxTokens = 64,
                System = "Be brief.",
                Messages = [new UserMessageParam("Hi there")],
            });
            Assert.True(message.Content[0].TryPickText(out var text));
            Assert.Equal("Hello from the fake provider | Hi there", text!.Text);
            Assert.Equal(11, message.Usage.InputTokens);
            var sent = openai.Requests.Last().Json;
            Assert.Equal("system", (string?)sent["messages"]![0]!["role"]);
            Assert.Equal(64, (int?)sent["max_tokens"]);

            var streamed = new StringBuilder();
            long? outputTokens = null;
            await foreach (var evt in client.Messages.CreateStreaming(new MessageCreateParams
            {
                Model = "gpt-4o-mini",
                MaxTokens = 64,
                Messages = [new UserMessageParam("stream please")],
            }))
            {
                if (evt.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var t))
                {
                    streamed.Append(t.Text);
                }

                if (evt.TryPickDelta(out var md))
                {
                    outputTokens = md.Usage.OutputTokens;
                }
            }

            Assert.Equal("Hello from the fake provider | stream please ", streamed.ToString());
            Assert.Equal(7, outputTokens);

            var toolMessage = await client.Messages.Create(new MessageCreateParams
            {
                Model = "gpt-4o-mini",
                MaxTokens = 64,
                Messages = [new UserMessageParam("weather?")],
                Tools = [AnthropicWeatherTool()],
            });
            Assert.True(toolMessage.Content[0].TryPickToolUse(out var use));
            Assert.Equal("call_1", use!.ID);
            Assert.Equal("Paris", use.Input["city"].GetString());

            var streamedArgs = new StringBuilder();
            await foreach (var evt in client.Messages.CreateStreaming(new MessageCreateParams
            {
                Model = "gpt-4o-mini",
                MaxTokens = 64,
                Messages = [new UserMessageParam("weather?")],
                Tools = [AnthropicWeatherTool()],
            }))
            {
                if (evt.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickInputJson(out var j))
                {
                    streamedArgs.Append(j.PartialJson);
                }
            }

            Assert.Equal("Paris", JsonDocument.Parse(streamedArgs.ToString()).RootElement.GetProperty("city").GetString());
            Assert.Equal("get_weather", (string?)openai.Requests.Last().Json["tools"]![0]!["function"]!["name"]);
            Assert.Empty(anthropic.Requests);
        }
    }
}
