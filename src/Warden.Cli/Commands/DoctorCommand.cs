using Warden.Cli.Doctor;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden doctor</c>: checks this Warden deployment (configuration, data directory) and, with
/// <c>--url</c>, a running instance, and prints what to fix. Exit code 0 when nothing failed,
/// 5 when a check failed.
/// </summary>
internal sealed class DoctorCommand : ICliCommand
{
    public const int FailureExitCode = 5;

    public string Name => "doctor";

    public string Summary => "check this Warden deployment and a running instance for misconfiguration";

    public async Task<int> RunAsync(string[] args, CliContext context)
    {
        var parsed = CliArgs.Parse(args, ["config", "data-dir", "url"], ["help"]);
        if (parsed.Flag("help"))
        {
            await context.Out.WriteLineAsync("usage: warden doctor [--config appsettings.json] [--data-dir DIR] [--url http://127.0.0.1:8080/]");
            return 0;
        }

        if (parsed.Positionals.Count > 0)
        {
            throw new CliUsageException($"unexpected argument '{parsed.Positionals[0]}'");
        }

        Uri? url = null;
        if (parsed.Get("url") is { } u)
        {
            if (!Uri.TryCreate(u.EndsWith('/') ? u : u + "/", UriKind.Absolute, out url) || url.Scheme is not ("http" or "https"))
            {
                throw new CliUsageException("--url must be an http(s) URL");
            }
        }

        using var http = new HttpMessageInvoker(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(5) });
        var doctor = DoctorContext.Load(parsed.Get("config") ?? "appsettings.json", parsed.Get("data-dir"), url, http);
        var results = await DoctorChecks.RunAsync(doctor, DoctorChecks.All, context.Cancellation);
        await WriteAsync(context.Out, results);
        return results.Any(r => r.Status == DoctorStatus.Fail) ? FailureExitCode : 0;
    }

    internal static async Task WriteAsync(TextWriter output, IReadOnlyList<DoctorResult> results)
    {
        var width = results.Max(r => r.CheckId.Length);
        foreach (var r in results)
        {
            var label = r.Status switch
            {
                DoctorStatus.Pass => "PASS",
                DoctorStatus.Warn => "WARN",
                DoctorStatus.Fail => "FAIL",
                _ => "SKIP",
            };
            await output.WriteLineAsync($"{label}  {r.CheckId.PadRight(width)}  {r.Message}");
            if (r.Fix is not null && r.Status is DoctorStatus.Fail or DoctorStatus.Warn)
            {
                await output.WriteLineAsync($"      {new string(' ', width)}  fix: {r.Fix}");
            }
        }

        var failed = results.Count(r => r.Status == DoctorStatus.Fail);
        await output.WriteLineAsync();
        await output.WriteLineAsync(failed == 0 ? "No misconfiguration found." : $"{failed} problem(s) to fix.");
    }
}
