using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Core.Detection;
using Warden.Core.Pseudonymization;
using Warden.Gateway.Proxy;

namespace Warden.Benchmarks.Gateway;

/// <summary>
/// CPU-time A/B of the gateway's scrub path, old form against new form in one process, alternating: the request (DOM:
/// parse + <see cref="Scrubbing.Protect"/> + serialise, against the one-pass <see cref="ScrubRewriter"/>) and a scrubbed
/// stream's 20 events as the mock upstream sends them (DOM per event + <see cref="StreamRestorer"/> + serialise, against
/// the raw pass-through of chunks with nothing to restore). Detection-cache hits, as in the peer bench (same body each time).
/// Reports CPU µs of this process per operation (best of rounds; run with DOTNET_TieredCompilation=0 so no background JIT
/// is counted) and bytes allocated per operation (exact, load-independent).
/// Run: DOTNET_TieredCompilation=0 dotnet bench/Warden.Benchmarks/bin/Release/net10.0/Warden.Benchmarks.dll scrub-path-cpu [BODY.json]
/// </summary>
internal static class ScrubPathCpuProbe
{
    private static readonly string[] Words = ["Thanks", " for", " reaching", " out.", " I", " have", " noted", " your", " request", " and", " a",
        " support", " agent", " will", " follow", " up", " by", " email", " shortly", "."];

    public static void Run(string? bodyPath)
    {
        bodyPath ??= "/work/shared/bench/peer-proxy/body.json";
        var body = File.ReadAllBytes(bodyPath);
        var vault = new Pseudonymizer(new DetectionEngine(new DetectionOptions()), TimeProvider.System);
        var events = Words.Select((w, i) => Encoding.UTF8.GetBytes(
            "{\"id\":\"chatcmpl-mock0001\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini-2024-07-18\"," +
            "\"system_fingerprint\":\"fp_mock\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + w + "\"},\"logprobs\":null,\"finish_reason\":" +
            (i == Words.Length - 1 ? "\"stop\"" : "null") + "}]}")).ToArray();
        var output = new ArrayBufferWriter<byte>(16 * 1024);

        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}; body {body.Length} B");
        Console.WriteLine("| operation | CPU µs per op | allocated per op |");
        Console.WriteLine("|---|---:|---:|");
        for (var pass = 0; pass < 2; pass++)
        {
            Measure("request scrub, DOM (parse + session + protect + serialise)", () =>
            {
                var node = (JsonObject)JsonNode.Parse(body)!;
                var session = vault.OpenSession(null, null, null, "Agent:bench");
                Scrubbing.Protect(node, session);
                node["model"] = "gpt-4o-mini";
                return ProxyHandler.Serialize(node).Length;
            });
            Measure("request scrub, one pass (session + ScrubRewriter)", () =>
            {
                var session = vault.OpenSession(null, null, null, "Agent:bench");
                return ScrubRewriter.Protect(body, session).ForTarget("gpt-4o-mini", "gpt-4o-mini", includeUsage: false)!.Value.Length;
            });
            Measure("request scrub, one pass, end-user id stripped (the default)", () =>
            {
                var session = vault.OpenSession(null, null, null, "Agent:bench");
                return ScrubRewriter.Protect(body, session, protectEndUser: false).ForTarget("gpt-4o-mini", "gpt-4o-mini", includeUsage: false, EndUserIdMode.Strip)!.Value.Length;
            });
            Measure("scrubbed stream, 20 events, DOM per event", () => Stream(vault, events, output, raw: false));
            Measure("scrubbed stream, 20 events, raw pass-through when nothing to restore", () => Stream(vault, events, output, raw: true));
        }
    }

    private static int Stream(Pseudonymizer vault, byte[][] events, ArrayBufferWriter<byte> output, bool raw)
    {
        output.ResetWrittenCount();
        var restorer = new StreamRestorer(vault.OpenSession());
        var chunks = new List<JsonObject>(4);
        foreach (var data in events)
        {
            int input = 0, tokens = 0;
            if (raw && restorer.IsIdle && RawChunk.CanPassThrough(data, ref input, ref tokens))
            {
                output.Write(data);
                continue;
            }

            chunks.Clear();
            chunks.Add((JsonObject)JsonNode.Parse(data)!);
            restorer.Process(chunks);
            foreach (var c in chunks)
            {
                using var w = new Utf8JsonWriter(output, ProxyHandler.RelaxedJson);
                c.WriteTo(w);
            }
        }

        return output.WrittenCount;
    }

    private static void Measure(string label, Func<int> op)
    {
        var sink = 0;
        for (var i = 0; i < 300; i++)
        {
            sink += op();
        }

        var process = Process.GetCurrentProcess();
        var best = double.MaxValue;
        long bytes = 0;
        const int calls = 3000;
        for (var round = 0; round < 5; round++)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            process.Refresh();
            var before = process.TotalProcessorTime.TotalMilliseconds;
            for (var i = 0; i < calls; i++)
            {
                sink += op();
            }

            process.Refresh();
            best = Math.Min(best, (process.TotalProcessorTime.TotalMilliseconds - before) / calls);
            bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / calls;
        }

        Console.WriteLine($"| {label} | {best * 1000:F1} | {bytes:N0} B |{(sink == int.MinValue ? " " : string.Empty)}");
    }
}
