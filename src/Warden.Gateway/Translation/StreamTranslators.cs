using System.Text.Json.Nodes;

namespace Warden.Gateway.Translation;

/// <summary>Anthropic stream events → OpenAI chat.completion.chunk objects (one instance per stream).</summary>
internal sealed class AnthropicToOpenAIStream(long created)
{
    private readonly Dictionary<int, int> _toolIndexByBlock = [];
    private string _id = "msg";
    private string? _model;
    private int _inputTokens;

    public int InputTokens => _inputTokens;

    public int OutputTokens { get; private set; }

    /// <summary>Translates one event; appends the resulting chunks to <paramref name="output"/>. Returns false on message_stop.</summary>
    public bool Process(JsonObject evt, List<JsonObject> output)
    {
        switch ((string?)evt["type"])
        {
            case "message_start":
                var msg = evt["message"];
                _id = (string?)msg?["id"] ?? _id;
                _model = (string?)msg?["model"];
                _inputTokens = (int?)msg?["usage"]?["input_tokens"] ?? 0;
                OutputTokens = (int?)msg?["usage"]?["output_tokens"] ?? 0;
                output.Add(Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null));
                break;
            case "content_block_start":
                var block = evt["content_block"];
                if ((string?)block?["type"] == "tool_use")
                {
                    var toolIndex = _toolIndexByBlock.Count;
                    _toolIndexByBlock[(int?)evt["index"] ?? 0] = toolIndex;
                    output.Add(Chunk(new JsonObject
                    {
                        ["tool_calls"] = new JsonArray(new JsonObject
                        {
                            ["index"] = toolIndex,
                            ["id"] = (string?)block!["id"],
                            ["type"] = "function",
                            ["function"] = new JsonObject { ["name"] = (string?)block["name"], ["arguments"] = "" },
                        }),
                    }, null));
                }
                else if ((string?)block?["text"] is { Length: > 0 } initial)
                {
                    output.Add(Chunk(new JsonObject { ["content"] = initial }, null));
                }

                break;
            case "content_block_delta":
                var delta = evt["delta"];
                switch ((string?)delta?["type"])
                {
                    case "text_delta":
                        output.Add(Chunk(new JsonObject { ["content"] = (string?)delta!["text"] }, null));
                        break;
                    case "input_json_delta":
                        if (_toolIndexByBlock.TryGetValue((int?)evt["index"] ?? 0, out var ti))
                        {
                            output.Add(Chunk(new JsonObject
                            {
                                ["tool_calls"] = new JsonArray(new JsonObject
                                {
                                    ["index"] = ti,
                                    ["function"] = new JsonObject { ["arguments"] = (string?)delta!["partial_json"] },
                                }),
                            }, null));
                        }

                        break;
                }

                break;
            case "message_delta":
                OutputTokens = (int?)evt["usage"]?["output_tokens"] ?? OutputTokens;
                if ((int?)evt["usage"]?["input_tokens"] is int it)
                {
                    _inputTokens = it;
                }

                output.Add(Chunk([], ResponseTranslator.FinishReason((string?)evt["delta"]?["stop_reason"])));
                break;
            case "message_stop":
                var usage = Chunk(null, null);
                usage["choices"] = new JsonArray();
                usage["usage"] = new JsonObject { ["prompt_tokens"] = _inputTokens, ["completion_tokens"] = OutputTokens, ["total_tokens"] = _inputTokens + OutputTokens };
                output.Add(usage);
                return false;
            case "error":
                throw new UpstreamStreamException((string?)evt["error"]?["message"] ?? "provider stream error");
        }

        return true;
    }

    private JsonObject Chunk(JsonObject? delta, string? finish) => new()
    {
        ["id"] = _id,
        ["object"] = "chat.completion.chunk",
        ["created"] = created,
        ["model"] = _model,
        ["choices"] = delta is null ? null : new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
    };
}

/// <summary>OpenAI chat.completion.chunk objects → Anthropic stream events (one instance per stream).</summary>
internal sealed class OpenAIToAnthropicStream
{
    private readonly Dictionary<int, int> _blockByTool = [];
    private bool _started;
    private int _openBlock = -1;
    private string? _openKind;
    private int _nextBlock;
    private string _stopReason = "end_turn";
    private int _inputTokens;
    private int _outputTokens;

    /// <summary>Translates one chunk; appends (event name, data) pairs to <paramref name="output"/>.</summary>
    public void Process(JsonObject chunk, List<(string Event, JsonObject Data)> output)
    {
        Start(chunk, output);
        if (chunk["usage"] is JsonObject usage)
        {
            _inputTokens = (int?)usage["prompt_tokens"] ?? _inputTokens;
            _outputTokens = (int?)usage["completion_tokens"] ?? _outputTokens;
        }

        if ((chunk["choices"] as JsonArray)?.FirstOrDefault() is not JsonObject choice)
        {
            return;
        }

        var delta = choice["delta"];
        if (RequestTranslator.ContentText(delta?["content"]) is { Length: > 0 } text)
        {
            if (_openKind != "text")
            {
                Open("text", new JsonObject { ["type"] = "text", ["text"] = "" }, output);
            }

            output.Add(("content_block_delta", new JsonObject
            {
                ["type"] = "content_block_delta",
                ["index"] = _openBlock,
                ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = text },
            }));
        }

        foreach (var tc in delta?["tool_calls"] as JsonArray ?? [])
        {
            var toolIndex = (int?)tc?["index"] ?? 0;
            if (!_blockByTool.TryGetValue(toolIndex, out var block))
            {
                Open("tool", new JsonObject
                {
                    ["type"] = "tool_use",
                    ["id"] = (string?)tc?["id"] ?? $"toolu_{toolIndex}",
                    ["name"] = (string?)tc?["function"]?["name"],
                    ["input"] = new JsonObject(),
                }, output);
                block = _openBlock;
                _blockByTool[toolIndex] = block;
            }

            if ((string?)tc?["function"]?["arguments"] is { Length: > 0 } args)
            {
                output.Add(("content_block_delta", new JsonObject
                {
                    ["type"] = "content_block_delta",
                    ["index"] = block,
                    ["delta"] = new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = args },
                }));
            }
        }

        if ((string?)choice["finish_reason"] is { } finish)
        {
            _stopReason = ResponseTranslator.StopReason(finish);
        }
    }

    /// <summary>Closes the stream: last block stop, message_delta (stop reason, usage), message_stop.</summary>
    public void Finish(List<(string Event, JsonObject Data)> output)
    {
        Start(null, output);
        Close(output);
        output.Add(("message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = _stopReason, ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["input_tokens"] = _inputTokens, ["output_tokens"] = _outputTokens },
        }));
        output.Add(("message_stop", new JsonObject { ["type"] = "message_stop" }));
    }

    private void Start(JsonObject? chunk, List<(string Event, JsonObject Data)> output)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        output.Add(("message_start", new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = (string?)chunk?["id"] ?? "msg",
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = (string?)chunk?["model"],
                ["content"] = new JsonArray(),
                ["stop_reason"] = null,
                ["stop_sequence"] = null,
                ["usage"] = new JsonObject { ["input_tokens"] = 0, ["output_tokens"] = 0 },
            },
        }));
    }

    private void Open(string kind, JsonObject contentBlock, List<(string Event, JsonObject Data)> output)
    {
        Close(output);
        _openBlock = _nextBlock++;
        _openKind = kind;
        output.Add(("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = _openBlock, ["content_block"] = contentBlock }));
    }

    private void Close(List<(string Event, JsonObject Data)> output)
    {
        if (_openBlock >= 0)
        {
            output.Add(("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = _openBlock }));
            _openBlock = -1;
            _openKind = null;
        }
    }
}

/// <summary>The provider reported an error inside a stream.</summary>
internal sealed class UpstreamStreamException(string message) : Exception(message);
