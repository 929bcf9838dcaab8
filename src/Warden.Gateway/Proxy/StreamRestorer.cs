using System.Text.Json.Nodes;
using Warden.Core.Pseudonymization;

namespace Warden.Gateway.Proxy;

/// <summary>
/// Restores surrogates in a stream of canonical chunks: one <see cref="IStreamingRestorer"/> for the
/// text and one per tool call's arguments, so a surrogate split across chunks is still restored.
/// Held-back text is flushed in a chunk just before the one carrying <c>finish_reason</c>.
/// </summary>
internal sealed class StreamRestorer(IPseudonymizationSession session)
{
    private readonly IStreamingRestorer _content = session.CreateStreamingRestorer();
    private readonly Dictionary<int, IStreamingRestorer> _tools = [];
    private bool _flushed;

    /// <summary>
    /// True when a chunk with no '&lt;' can skip <see cref="Process"/>: the session issued no realistic fakes, nothing is
    /// held back (text or tool arguments) and the final flush has not happened.
    /// </summary>
    public bool IsIdle
    {
        get
        {
            if (_flushed || _content is not StreamingRestorer { IsIdle: true } || session is not PseudonymizationSession { IssuedFakes: false })
            {
                return false;
            }

            foreach (var r in _tools.Values)
            {
                if (r is not StreamingRestorer { IsIdle: true })
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Rewrites <paramref name="chunks"/> in place (may insert a flush chunk).</summary>
    public void Process(List<JsonObject> chunks)
    {
        for (var i = 0; i < chunks.Count; i++)
        {
            if ((chunks[i]["choices"] as JsonArray)?.FirstOrDefault() is not JsonObject choice)
            {
                continue;
            }

            // A final chunk that carries both text and finish_reason (some servers send that) is split
            // in two, so its text is restored before the held-back tail is flushed and before the finish.
            if (choice["finish_reason"] is JsonValue && !_flushed && choice["delta"] is JsonObject { Count: > 0 })
            {
                var finisher = (JsonObject)chunks[i].DeepClone();
                ((JsonObject)((JsonArray)finisher["choices"]!)[0]!)["delta"] = new JsonObject();
                choice["finish_reason"] = null;
                chunks[i].Remove("usage");
                chunks.Insert(i + 1, finisher);
            }

            if (choice["finish_reason"] is JsonValue && Flush(chunks[i]) is { } flush)
            {
                chunks.Insert(i, flush);
                i++;
            }

            if (choice["delta"] is not JsonObject delta)
            {
                continue;
            }

            if (delta["content"] is JsonValue v && v.TryGetValue<string>(out var text))
            {
                delta["content"] = _content.Push(text);
            }

            foreach (var tc in delta["tool_calls"] as JsonArray ?? [])
            {
                if (tc?["function"] is JsonObject f && f["arguments"] is JsonValue a && a.TryGetValue<string>(out var args))
                {
                    var index = (int?)tc["index"] ?? 0;
                    if (!_tools.TryGetValue(index, out var r))
                    {
                        _tools[index] = r = session.CreateJsonStreamingRestorer(); // arguments are JSON text
                    }

                    f["arguments"] = r.Push(args);
                }
            }
        }
    }

    /// <summary>A chunk with everything still held back, or null (only once).</summary>
    public JsonObject? Flush(JsonObject? template)
    {
        if (_flushed)
        {
            return null;
        }

        _flushed = true;
        var text = _content.Flush();
        var toolCalls = new JsonArray();
        foreach (var (index, r) in _tools)
        {
            var rest = r.Flush();
            if (rest.Length > 0)
            {
                toolCalls.Add(new JsonObject { ["index"] = index, ["function"] = new JsonObject { ["arguments"] = rest } });
            }
        }

        if (text.Length == 0 && toolCalls.Count == 0)
        {
            return null;
        }

        var delta = new JsonObject();
        if (text.Length > 0)
        {
            delta["content"] = text;
        }

        if (toolCalls.Count > 0)
        {
            delta["tool_calls"] = toolCalls;
        }

        return new JsonObject
        {
            ["id"] = (string?)template?["id"],
            ["object"] = "chat.completion.chunk",
            ["created"] = (long?)template?["created"] ?? 0,
            ["model"] = (string?)template?["model"],
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = null }),
        };
    }
}
