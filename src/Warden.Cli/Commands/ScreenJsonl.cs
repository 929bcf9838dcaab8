using System.Text.Json;
using Warden.Core.Screening;

namespace Warden.Cli.Commands;

/// <summary>The eval protocol loop of <c>warden screen --jsonl</c>.</summary>
internal static class ScreenJsonl
{
    public static async Task RunAsync(ContentScreener screener, ContentType type, CliContext context)
    {
        var lineNo = 0;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        while (await context.In.ReadLineAsync(context.Cancellation) is { } line)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            buffer.Clear();
            using (var w = new Utf8JsonWriter(buffer))
            {
                var parsed = JsonlLine.Parse(line);
                w.WriteStartObject();
                parsed.WriteId(w);
                if (parsed.Text is not { } text)
                {
                    w.WriteStartObject("error");
                    w.WriteNumber("line", lineNo);
                    w.WriteString("message", parsed.Error ?? "missing string field \"text\"");
                    w.WriteEndObject();
                }
                else
                {
                    var result = screener.Screen(text, type, SpotlightMode.Delimit);
                    w.WriteStartObject("injection");
                    w.WriteNumber("score", Math.Round(result.Injection.Score, 6));
                    w.WriteBoolean("detected", result.Injection.Detected);
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            var output = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
            await context.Out.WriteLineAsync(output);
        }

        await context.Out.FlushAsync(context.Cancellation);
    }
}
