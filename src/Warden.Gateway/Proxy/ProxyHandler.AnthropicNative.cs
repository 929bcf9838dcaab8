using System.IO.Pipelines;
using Warden.Gateway.Providers;

namespace Warden.Gateway.Proxy;

/// <summary>
/// Scrubbed Anthropic caller, Anthropic target: the request leaves as the caller's bytes scrubbed in one pass
/// (<see cref="ScrubRewriter"/>, in <c>BuildContent</c>) and the answer comes back as the provider's bytes with only the
/// surrogates restored (<see cref="AnthropicRestore"/>, <see cref="AnthropicStreamRestorer"/>): nothing goes through the
/// OpenAI-shaped canonical form, so documents, cache_control, thinking, citations and server tools survive both ways.
/// </summary>
internal sealed partial class ProxyHandler
{
    private static bool IsAnthropicNative(RequestState s, RouteTarget target) =>
        s.Session is not null && s.Kind == ApiKind.AnthropicMessages && target.Provider.Format == WireFormat.Anthropic;

    private static async Task RestoreAnthropicStreamAsync(RequestState s, SseReader sse, PipeWriter writer, CancellationToken ct)
    {
        var restorer = new AnthropicStreamRestorer(s.Session!);
        var joiner = new SurrogateJoiner(); // a character split across two deltas reaches the restorer whole
        int input = 0, output = 0;
        do
        {
            var data = joiner.Process(sse.Data.Span);
            s.StreamText?.Add(data);
            restorer.Process(sse.EventName, data, writer);
            if (data.IndexOf("_tokens\""u8) >= 0)
            {
                UsageScanner.Scan(data, ref input, ref output); // invalid JSON ends the stream with an error event (JsonException)
            }

            if (!sse.HasBufferedEvent)
            {
                await writer.FlushAsync(ct);
            }
        }
        while (await sse.ReadAsync(ct));

        joiner.Finish();
        restorer.Finish(writer);
        s.InputTokens = input;
        s.OutputTokens = output;
        await writer.FlushAsync(ct);
    }
}
