using System.Diagnostics;
using System.Text.Json.Nodes;
using Warden.Core.Detection;
using Warden.Core.Pseudonymization;
using Warden.Gateway.Proxy;

namespace Warden.Benchmarks.Detection;

/// <summary>
/// CPU-time probe of the gateway's scrubbing path for one request: what <c>warden-scrub</c> in bench/peer/run.sh runs per
/// request on the bench's 2 KB chat body (parse, open a session, detect + pseudonymise every message, serialise), and the
/// restore of a typical non-streamed answer (parse, restore, serialise), broken down by stage and by recognizer.
/// Reports CPU microseconds of this process per operation (single-threaded; run with DOTNET_TieredCompilation=0 so no
/// background JIT is counted) and bytes allocated per operation.
/// Run: DOTNET_TieredCompilation=0 dotnet bench/Warden.Benchmarks/bin/Release/net10.0/Warden.Benchmarks.dll scrub-cpu [BODY.json]
/// </summary>
internal static class ScrubCpuProbe
{
    /// <summary>The mock upstream's answer (../shared/bench/peer-proxy/mock-upstream/mock.c).</summary>
    private const string Completion =
        "{\"id\":\"chatcmpl-mock0001\",\"object\":\"chat.completion\",\"created\":1700000000," +
        "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":" +
        "\"assistant\",\"content\":\"Thanks for reaching out. I have noted your request and a " +
        "support agent will follow up by email within one business day.\",\"refusal\":null}," +
        "\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":412," +
        "\"completion_tokens\":27,\"total_tokens\":439},\"system_fingerprint\":\"fp_mock\"}";

    /// <summary>An answer that quotes some surrogates back (restore has work to do).</summary>
    private const string Echoing =
        "{\"id\":\"chatcmpl-mock0002\",\"object\":\"chat.completion\",\"created\":1700000000," +
        "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" +
        "\"Hello <PERSON_1>, I am sorry your order has not arrived. I will write to <EMAIL_ADDRESS_1> and call " +
        "<PHONE_NUMBER_1> if needed; the replacement goes to <LOCATION_1>. The refund would go to the card ending as " +
        "on file.\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":412,\"completion_tokens\":60,\"total_tokens\":472}}";

    public static void Run(string? bodyPath)
    {
        bodyPath ??= File.Exists("/work/shared/bench/peer-proxy/body.json") ? "/work/shared/bench/peer-proxy/body.json" : "../shared/bench/peer-proxy/body.json";
        var body = File.ReadAllBytes(bodyPath);
        var engine = new DetectionEngine(new DetectionOptions());
        var vault = new Pseudonymizer(engine, TimeProvider.System);
        var contents = Contents(body);
        var completion = System.Text.Encoding.UTF8.GetBytes(Completion);
        var echoing = System.Text.Encoding.UTF8.GetBytes(Echoing);

        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}; body {body.Length} B, {contents.Length} message texts ({string.Join(" + ", contents.Select(c => c.Length))} chars)");
        Console.WriteLine("| stage | CPU µs per op | allocated per op | of which GC pause µs per op | gen0 GCs per round |");
        Console.WriteLine("|---|---:|---:|---:|---:|");

        Measure("whole request scrub, no detection cache (parse + session + protect all + serialise)", () =>
        {
            var node = (JsonObject)JsonNode.Parse(body)!;
            var session = vault.OpenSession();
            Scrubbing.Protect(node, session);
            return ProxyHandler.Serialize(node).Length;
        });
        Measure("whole request scrub, detection cache hit (same caller sent the same texts before)", () =>
        {
            var node = (JsonObject)JsonNode.Parse(body)!;
            var session = vault.OpenSession(null, null, null, "Agent:bench");
            Scrubbing.Protect(node, session);
            return ProxyHandler.Serialize(node).Length;
        });
        Measure("whole request scrub, detection cache miss (a new system prompt each time)", () =>
        {
            var node = (JsonObject)JsonNode.Parse(body)!;
            var session = vault.OpenSession(null, null, null, "Agent:" + Random.Shared.Next());
            Scrubbing.Protect(node, session);
            return ProxyHandler.Serialize(node).Length;
        });
        var session0 = vault.OpenSession();
        var protectedBody = (JsonObject)JsonNode.Parse(body)!;
        Scrubbing.Protect(protectedBody, session0);
        Measure("whole restore, mock answer (parse + restore + serialise)", () =>
        {
            var node = (JsonObject)JsonNode.Parse(completion)!;
            Scrubbing.Restore(node, session0);
            return ProxyHandler.Serialize(node).Length;
        });
        Measure("whole restore, answer quoting 4 surrogates", () =>
        {
            var node = (JsonObject)JsonNode.Parse(echoing)!;
            Scrubbing.Restore(node, session0);
            return ProxyHandler.Serialize(node).Length;
        });

        Measure("  parse request (JsonNode)", () => JsonNode.Parse(body)!.GetValueKind() == System.Text.Json.JsonValueKind.Object ? 1 : 0);
        Measure("  open anonymous session", () => ((PseudonymizationSession)vault.OpenSession()).Id.Length);
        for (var i = 0; i < contents.Length; i++)
        {
            var text = contents[i];
            Measure($"  engine.Analyze message {i} ({text.Length} chars)", () => engine.Analyze(text).Count);
        }

        var findings = contents.Select(c => engine.Analyze(c)).ToArray();
        Measure("  substitute findings, all messages (fresh session)", () =>
        {
            var s = (PseudonymizationSession)vault.OpenSession();
            var n = 0;
            for (var i = 0; i < contents.Length; i++)
            {
                n += s.Protect(contents[i], findings[i]).Length;
            }

            return n;
        });
        Measure("  serialise protected request", () => ProxyHandler.Serialize(protectedBody).Length);

        foreach (var r in engine.Recognizers)
        {
            Measure($"    recognizer {r.Name}, all messages", () =>
            {
                var list = new List<Finding>();
                foreach (var c in contents)
                {
                    r.Analyze(c, list);
                }

                return list.Count;
            });
        }

        Measure("engine.Analyze all messages again (order check)", () => contents.Sum(c => engine.Analyze(c).Count));
        Measure("engine.Analyze all messages, fresh string copies", () => contents.Sum(c => engine.Analyze(new string(c.AsSpan())).Count));
        Measure("session.Protect all messages, fresh session, same strings", () =>
        {
            var s = vault.OpenSession();
            return contents.Sum(c => s.Protect(c).Length);
        });

        Console.WriteLine();
        Console.WriteLine("findings: " + string.Join(", ", findings.Select((f, i) => $"message {i}: " + string.Join(" ", f.Select(x => $"{x.Type}[{x.Start},{x.End})")))));
    }

    private static string[] Contents(byte[] body)
    {
        var node = (JsonObject)JsonNode.Parse(body)!;
        return [.. ((JsonArray)node["messages"]!).Select(m => (string?)m!["content"]).OfType<string>()];
    }

    private static void Measure(string label, Func<int> op)
    {
        var sink = 0;
        for (var i = 0; i < 200; i++)
        {
            sink += op();
        }

        var process = Process.GetCurrentProcess();
        var probe = CpuMs(process);
        for (var i = 0; i < 20; i++)
        {
            sink += op();
        }

        var one = Math.Max(0.001, (CpuMs(process) - probe) / 20);
        var calls = (int)Math.Clamp(1500 / one, 50, 200_000);
        var best = double.MaxValue;
        long bytes = 0;
        var gcs = GC.CollectionCount(0);
        var paused = GC.GetTotalPauseDuration();
        for (var round = 0; round < 3; round++)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var before = CpuMs(process);
            for (var i = 0; i < calls; i++)
            {
                sink += op();
            }

            best = Math.Min(best, (CpuMs(process) - before) / calls);
            bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / calls;
        }

        var pauseUs = (GC.GetTotalPauseDuration() - paused).TotalMicroseconds / (3.0 * calls);
        Console.WriteLine($"| {label} | {best * 1000:F1} | {bytes:N0} B | {pauseUs:F1} | {(GC.CollectionCount(0) - gcs) / 3} |{(sink == int.MinValue ? " " : string.Empty)}");
    }

    private static double CpuMs(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime.TotalMilliseconds;
    }
}
