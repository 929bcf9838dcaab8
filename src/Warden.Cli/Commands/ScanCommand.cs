using System.Globalization;
using Warden.Scanner;
using Warden.Scanner.Findings;
using Warden.Scanner.Output;
using Warden.Scanner.Targets;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden scan &lt;targets...&gt;</c>: the OpenClaw exposure scanner. Finds OpenClaw (Clawdbot,
/// Moltbot) gateways among the named targets and checks them without exploiting anything. The
/// exit code reflects the highest severity found: 0 none/info, 3 low, 4 medium, 5 high, 6 critical.
/// </summary>
internal sealed class ScanCommand : ICliCommand
{
    private static readonly string[] ValueOptions = ["format", "timeout", "concurrency", "max-hosts", "deadline", "rate", "ports", "output"];
    private static readonly string[] Flags = ["help", "quiet"];

    public string Name => "scan";

    public string Summary => "scan for exposed or vulnerable OpenClaw gateways (safe, non-exploiting)";

    public async Task<int> RunAsync(string[] args, CliContext context)
    {
        var parsed = CliArgs.Parse(args, ValueOptions, Flags);
        if (parsed.Flag("help"))
        {
            await context.Out.WriteLineAsync(Usage);
            return 0;
        }

        if (parsed.Positionals.Count == 0)
        {
            throw new CliUsageException("give at least one target (URL, host, host:port or CIDR); see 'warden scan --help'");
        }

        var format = (parsed.Get("format") ?? "table").ToLowerInvariant();
        if (format is not ("table" or "json" or "sarif"))
        {
            throw new CliUsageException("--format must be table, json or sarif");
        }

        var options = BuildOptions(parsed);
        IReadOnlyList<ScanTarget> targets;
        try
        {
            targets = TargetParser.ParseAll(parsed.Positionals, options);
        }
        catch (FormatException ex)
        {
            throw new CliUsageException(ex.Message);
        }

        IProgress<ScanProgress>? progress = null;
        if (targets.Count > 1 && !parsed.Flag("quiet"))
        {
            progress = new StderrProgress(context.Error);
        }

        ScanReport report;
        using (var scanner = new OpenClawScanner(options, TimeProvider.System))
        {
            report = await scanner.ScanAsync(targets, progress, context.Cancellation);
        }

        var path = parsed.Get("output");
        if (path is null)
        {
            await WriteAsync(report, format, context.Out);
        }
        else
        {
            await using var file = new StreamWriter(path, append: false);
            await WriteAsync(report, format, file);
        }

        return report.ExitCode;
    }

    private static async Task WriteAsync(ScanReport report, string format, TextWriter output)
    {
        switch (format)
        {
            case "json":
                await output.WriteLineAsync(JsonReportWriter.ToJson(report));
                break;
            case "sarif":
                await output.WriteLineAsync(SarifWriter.ToSarif(report));
                break;
            default:
                await TableWriter.WriteAsync(output, report);
                break;
        }

        await output.FlushAsync();
    }

    private static ScanOptions BuildOptions(CliArgs parsed)
    {
        var options = new ScanOptions();
        if (parsed.Get("timeout") is { } timeout)
        {
            options = options with { ProbeTimeout = TimeSpan.FromSeconds(Number(timeout, "--timeout")) };
            if (options.FirstFrameWait > options.ProbeTimeout)
            {
                options = options with { FirstFrameWait = options.ProbeTimeout / 2 };
            }
        }

        if (parsed.Get("concurrency") is { } concurrency)
        {
            options = options with { Concurrency = (int)Number(concurrency, "--concurrency") };
        }

        if (parsed.Get("max-hosts") is { } maxHosts)
        {
            options = options with { MaxHosts = (int)Number(maxHosts, "--max-hosts") };
        }

        if (parsed.Get("deadline") is { } deadline)
        {
            options = options with { Deadline = TimeSpan.FromSeconds(Number(deadline, "--deadline")) };
        }

        if (parsed.Get("rate") is { } rate)
        {
            options = options with { ProbesPerSecond = Number(rate, "--rate") };
        }

        if (parsed.Get("ports") is { } ports)
        {
            options = options with { Ports = ports.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => (int)Number(p, "--ports")).ToList() };
        }

        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new CliUsageException(errors[0]);
        }

        return options;
    }

    private static double Number(string text, string name) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v > 0 && v <= int.MaxValue
            ? v
            : throw new CliUsageException($"{name} needs a positive number, got '{text}'");

    private const string Usage = """
        usage: warden scan <target...> [options]

        Targets: a URL (http(s)://host:port/base/), host:port, a host (tries 18789, 443, 80, 8080
        and the base paths / and /openclaw/), or a CIDR range (10.0.0.0/24, optionally :port).
        Only what you name is scanned. No credential is ever sent and nothing is exploited.

          --format table|json|sarif   output (default table)
          --output FILE               write the report to FILE instead of stdout
          --timeout SECONDS           per-probe timeout (default 5)
          --concurrency N             hosts scanned at once (default 16)
          --max-hosts N               largest CIDR range, in addresses (default 256 = /24)
          --deadline SECONDS          overall deadline (default 300)
          --rate N                    probes per second across the scan (default 50)
          --ports P1,P2               ports for hosts and ranges (default 18789,443,80,8080)
          --quiet                     no progress lines for ranges

        Exit code: 0 nothing (or info only), 3 low, 4 medium, 5 high, 6 critical; 2 bad usage.
        """;

    private sealed class StderrProgress(TextWriter error) : IProgress<ScanProgress>
    {
        private readonly Lock _gate = new();

        public void Report(ScanProgress value)
        {
            var state = value.Detected ? $"OpenClaw, highest {(value.Highest is { } h ? SeverityNames.Name(h) : "none")}" : "no gateway";
            lock (_gate)
            {
                error.WriteLine($"[{value.Completed}/{value.Total}] {value.Input}: {state}");
            }
        }
    }
}
