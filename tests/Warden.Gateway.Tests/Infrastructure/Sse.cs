using System.Text;
using System.Text.Json.Nodes;

namespace Warden.Gateway.Tests.Infrastructure;

/// <summary>A test-side SSE reader (WHATWG framing: LF, CRLF or CR line ends) and the text/arguments a caller assembles from the events.</summary>
internal static class Sse
{
    /// <summary>
    /// The events of <paramref name="body"/> as (name, data). An event cut by the end of the body is dispatched only when
    /// <paramref name="dispatchUnterminated"/> (the spec says drop it).
    /// </summary>
    public static List<(string Event, string Data)> Parse(string body, bool dispatchUnterminated)
    {
        var events = new List<(string, string)>();
        var name = "";
        var data = new StringBuilder();
        var hasData = false;
        var lines = body.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var terminated = body.EndsWith('\n') || body.EndsWith('\r');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var last = i == lines.Length - 1;
            if (last && line.Length == 0 && terminated)
            {
                break;
            }

            if (line.Length == 0)
            {
                if (hasData)
                {
                    events.Add((name, data.ToString()));
                }

                (name, hasData) = ("", false);
                data.Clear();
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            if (field == "event")
            {
                name = value;
            }
            else if (field == "data")
            {
                if (hasData)
                {
                    data.Append('\n');
                }

                data.Append(value);
                hasData = true;
            }
        }

        if (hasData && dispatchUnterminated)
        {
            events.Add((name, data.ToString()));
        }

        return events;
    }

    /// <summary>The generated text: OpenAI <c>delta.content</c>, Anthropic <c>text_delta</c>.</summary>
    public static string Text(List<(string Event, string Data)> events, string shape) => Collect(events, shape, tools: false);

    /// <summary>The tool-call arguments: OpenAI <c>delta.tool_calls[].function.arguments</c>, Anthropic <c>input_json_delta.partial_json</c>.</summary>
    public static string Arguments(List<(string Event, string Data)> events, string shape) => Collect(events, shape, tools: true);

    private static string Collect(List<(string Event, string Data)> events, string shape, bool tools)
    {
        var text = new StringBuilder();
        foreach (var (_, data) in events)
        {
            if (data == "[DONE]" || JsonNode.Parse(data) is not JsonObject json)
            {
                continue;
            }

            if (shape == "openai")
            {
                var delta = json["choices"]?.AsArray().FirstOrDefault()?["delta"];
                if (!tools)
                {
                    text.Append((string?)delta?["content"]);
                    continue;
                }

                foreach (var tc in delta?["tool_calls"]?.AsArray() ?? [])
                {
                    text.Append((string?)tc?["function"]?["arguments"]);
                }
            }
            else if ((string?)json["type"] == "content_block_delta")
            {
                text.Append((string?)json["delta"]?[tools ? "partial_json" : "text"]);
            }
        }

        return text.ToString();
    }
}
