using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Warden.Gateway.Errors;
using Warden.Gateway.Providers;
using Warden.Gateway.Translation;

namespace Warden.Gateway.Proxy;

/// <summary>
/// Streaming: events go out one by one as they arrive (flushed whenever no further complete event is
/// buffered); awaiting each flush is the backpressure; the client's disconnect cancels the upstream
/// read; only one event is ever held. Once the first byte is sent nothing is retried: a failure
/// mid-stream ends it with an error event in the caller's dialect.
/// </summary>
internal sealed partial class ProxyHandler
{
    private async Task StreamAsync(RequestState s, RouteTarget target, HttpResponseMessage response, CancellationToken ct)
    {
        var context = s.Context;
        var media = response.Content.Headers.ContentType?.MediaType;
        if (!string.Equals(media, "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            await Garbage(s, target, "the provider did not answer with an event stream");
            return;
        }

        await using var upstream = await response.Content.ReadAsStreamAsync(ct);
        var sse = new SseReader(upstream, MaxEventBytes);
        var passthrough = s.Canonical is null && s.Kind != ApiKind.UnifiedProxy && s.Session is null && target.Provider.Format == s.CallerFormat;
        s.StreamText = NeedsStreamText(s) ? new StreamTextCollector() : null;
        var writer = context.Response.BodyWriter;
        var started = false;
        var status = 200;
        try
        {
            // Wait for the first event before committing the 200, so a provider that fails before
            // its first byte still gets a clean error status.
            if (!await sse.ReadAsync(ct))
            {
                await Garbage(s, target, "the provider closed the stream without an answer");
                return;
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers["X-Accel-Buffering"] = "no";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            started = true;
            if (passthrough)
            {
                await PassThroughAsync(s, sse, writer, ct);
            }
            else if (IsAnthropicNative(s, target))
            {
                await RestoreAnthropicStreamAsync(s, sse, writer, ct);
            }
            else
            {
                await TranslateStreamAsync(s, target, sse, writer, ct);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            status = 499;
        }
        // InvalidOperationException / FormatException: a provider event whose fields have the wrong JSON type (JsonNode's
        // typed reads); the stream ends with an error event and the response record is still written.
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException or JsonException or InvalidDataException
            or UpstreamStreamException or InvalidOperationException or FormatException)
        {
            status = ex is OperationCanceledException ? 504 : 502;
            LogStreamFailed(_logger, target.Provider.Name, ex.GetType().Name);
            if (!started)
            {
                await WardenErrors.WriteAsync(context, s.Shape, status, status == 504 ? "warden_upstream_timeout" : "warden_upstream_invalid",
                    "the provider's stream failed before its first event", fromUpstream: false);
            }
            else if (!context.RequestAborted.IsCancellationRequested)
            {
                WriteStreamError(writer, s.CallerFormat, ex is UpstreamStreamException ? ex.Message : "the provider's stream failed; the answer is incomplete");
                await writer.FlushAsync(CancellationToken.None);
            }
        }
        finally
        {
            await sse.CompleteAsync();
        }

        if (s.Capture && s.StreamText is { } answer)
        {
            await CaptureResponseAsync(s, answer.Text);
        }

        await AuditResponseAsync(s, target, status);
        await RecordUsageAsync(s, target);
        Complete(s, target.Provider.Name, status);
    }

    /// <summary>
    /// Same dialect, nothing to restore: the caller gets the provider's bytes exactly as sent (comments, line ends, a last
    /// event without its blank line included); events are parsed only to count usage. One flush per upstream read (none
    /// while a further complete event is already buffered).
    /// </summary>
    private static async Task PassThroughAsync(RequestState s, SseReader sse, PipeWriter writer, CancellationToken ct)
    {
        int input = 0, output = 0;
        do
        {
            foreach (var segment in sse.Raw)
            {
                writer.Write(segment.Span);
            }

            var data = sse.Data.Span;
            s.StreamText?.Add(data);
            if (data.IndexOf("_tokens\""u8) >= 0)
            {
                try
                {
                    UsageScanner.Scan(data, ref input, ref output);
                }
                catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
                {
                    // Not ours to judge in pass-through; the caller gets the bytes as sent.
                }
            }

            if (!sse.HasBufferedEvent)
            {
                await writer.FlushAsync(ct);
            }
        }
        while (await sse.ReadAsync(ct));

        writer.Write(sse.Trailing);
        s.InputTokens = input;
        s.OutputTokens = output;
        await writer.FlushAsync(ct); // not CompleteAsync: the caller must not see the end before usage is recorded (budgets)
    }

    private async Task TranslateStreamAsync(RequestState s, RouteTarget target, SseReader sse, PipeWriter writer, CancellationToken ct)
    {
        var created = _time.GetUtcNow().ToUnixTimeSeconds();
        var fromAnthropic = target.Provider.Format == WireFormat.Anthropic ? new AnthropicToOpenAIStream(created) : null;
        var toAnthropic = s.CallerFormat == WireFormat.Anthropic ? new OpenAIToAnthropicStream() : null;
        var restorer = s.Session is null ? null : new StreamRestorer(s.Session);
        var chunks = new List<JsonObject>(4);
        var events = new List<(string Event, JsonObject Data)>(4);
        JsonObject? last = null;
        var ended = false;
        var finished = false; // a finish/stop reason was seen: the answer is whole even if the end marker never came
        // Same dialect with a restorer: a chunk that holds nothing to restore goes out as the provider sent it (no DOM).
        var raw = restorer is not null && fromAnthropic is null && toAnthropic is null;
        var joiner = new SurrogateJoiner(); // a character split across two deltas reaches every step whole
        do
        {
            chunks.Clear();
            var data = joiner.Process(sse.Data.Span);
            s.StreamText?.Add(data);
            int input = s.InputTokens, output = s.OutputTokens;
            if (raw && restorer!.IsIdle && RawChunk.CanPassThrough(data, ref input, ref output))
            {
                (s.InputTokens, s.OutputTokens) = (input, output);
                finished |= data.IndexOf("\"finish_reason\":\""u8) >= 0;
                writer.Write("data: "u8);
                writer.Write(data);
                writer.Write("\n\n"u8);
            }
            else if (fromAnthropic is not null)
            {
                if (JsonNode.Parse(data) is JsonObject evt)
                {
                    ended = !fromAnthropic.Process(evt, chunks);
                }
            }
            else if (data.SequenceEqual("[DONE]"u8))
            {
                ended = true;
            }
            else if (JsonNode.Parse(data) is JsonObject chunk)
            {
                if (chunk["error"] is JsonNode error)
                {
                    throw new UpstreamStreamException((string?)error["message"] ?? "provider stream error");
                }

                chunks.Add(chunk);
            }

            restorer?.Process(chunks);
            foreach (var c in chunks)
            {
                last = c;
                finished |= c["choices"] is JsonArray { Count: > 0 } choices && choices[0]?["finish_reason"] is JsonValue;
                if (c["usage"] is JsonObject usage)
                {
                    s.InputTokens = (int?)usage["prompt_tokens"] ?? s.InputTokens;
                    s.OutputTokens = (int?)usage["completion_tokens"] ?? s.OutputTokens;
                }

                Emit(c, toAnthropic, events, writer);
            }

            if (ended)
            {
                break;
            }

            if (!sse.HasBufferedEvent)
            {
                await writer.FlushAsync(ct);
            }
        }
        while (await sse.ReadAsync(ct));

        joiner.Finish();
        if (restorer?.Flush(last) is { } rest)
        {
            Emit(rest, toAnthropic, events, writer);
        }

        if (!ended && !finished)
        {
            // The provider closed before its end marker and before any finish reason: what came is delivered, but the
            // caller must not read it as a whole answer (no [DONE] / message_stop): it ends with an error event.
            throw new UpstreamStreamException("the provider's stream ended before the answer was complete");
        }

        if (toAnthropic is not null)
        {
            events.Clear();
            toAnthropic.Finish(events);
            WriteEvents(events, writer);
        }
        else
        {
            writer.Write("data: [DONE]\n\n"u8);
        }

        await writer.FlushAsync(ct);
    }

    private static void Emit(JsonObject chunk, OpenAIToAnthropicStream? toAnthropic, List<(string Event, JsonObject Data)> events, PipeWriter writer)
    {
        if (toAnthropic is null)
        {
            writer.Write("data: "u8);
            WriteJson(chunk, writer);
            writer.Write("\n\n"u8);
            return;
        }

        events.Clear();
        toAnthropic.Process(chunk, events);
        WriteEvents(events, writer);
    }

    private static void WriteEvents(List<(string Event, JsonObject Data)> events, PipeWriter writer)
    {
        foreach (var (name, data) in events)
        {
            writer.Write("event: "u8);
            writer.Write(System.Text.Encoding.UTF8.GetBytes(name));
            writer.Write("\ndata: "u8);
            WriteJson(data, writer);
            writer.Write("\n\n"u8);
        }
    }

    private static void WriteJson(JsonNode node, PipeWriter writer)
    {
        using var w = new Utf8JsonWriter(writer, RelaxedJson);
        node.WriteTo(w);
    }

    private static void WriteStreamError(PipeWriter writer, WireFormat format, string message)
    {
        var error = format == WireFormat.Anthropic
            ? new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = "api_error", ["message"] = message } }
            : new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = "api_error", ["code"] = "warden_upstream_stream_failed" } };
        if (format == WireFormat.Anthropic)
        {
            writer.Write("event: error\n"u8);
        }

        writer.Write("data: "u8);
        WriteJson(error, writer);
        writer.Write("\n\n"u8);
    }

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "Stream from {Provider} failed: {ExceptionType}")]
    private static partial void LogStreamFailed(ILogger logger, string provider, string exceptionType);
}
