using System.Text;
using System.Text.Json;
using Warden.Core.Screening;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden screen</c>: sanitizes, scores and spotlights untrusted content from a file or stdin.
/// <c>--jsonl</c> speaks the eval protocol: one <c>{"id","text"}</c> per line in, one
/// <c>{"id","injection":{"score","detected"}}</c> per line out, in order; a malformed line yields an error object.
/// </summary>
internal sealed class ScreenCommand : ICliCommand
{
    private const string Usage = "usage: warden screen [FILE|-] [--content-type text|html|markdown] [--mode delimit|datamark] [--threshold X] [--source NAME] | warden screen --jsonl";

    public string Name => "screen";

    public string Summary => "sanitize untrusted content, score prompt injection, spotlight it (--jsonl for eval)";

    public async Task<int> RunAsync(string[] args, CliContext context)
    {
        if (args is ["--help"] or ["-h"])
        {
            await context.Out.WriteLineAsync(Usage);
            return 0;
        }

        var a = CliArgs.Parse(args, ["content-type", "mode", "threshold", "source", "allow-host"], ["jsonl"]);
        var type = ParseContentType(a.Get("content-type") ?? "text");
        var mode = a.Get("mode") switch
        {
            null or "datamark" => SpotlightMode.Datamark,
            "delimit" => SpotlightMode.Delimit,
            var m => throw new CliUsageException($"--mode must be delimit or datamark, not '{m}'"),
        };
        var detectorOptions = new InjectionDetectorOptions();
        if (a.Get("threshold") is { } t)
        {
            if (!double.TryParse(t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var thr) || thr is <= 0 or > 1)
            {
                throw new CliUsageException("--threshold must be a number in (0, 1]");
            }

            detectorOptions = detectorOptions with { Threshold = thr };
        }

        var sanitizerOptions = new SanitizerOptions();
        if (a.Get("allow-host") is { } hosts)
        {
            sanitizerOptions = sanitizerOptions with { AllowedHosts = hosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
        }

        ContentSanitizer sanitizer;
        try
        {
            sanitizer = new ContentSanitizer(sanitizerOptions);
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException(ex.Message);
        }

        var screener = new ContentScreener(sanitizer, new InjectionDetector(detectorOptions));
        if (a.Flag("jsonl"))
        {
            if (a.Positionals.Count > 0)
            {
                throw new CliUsageException("--jsonl reads stdin only");
            }

            await ScreenJsonl.RunAsync(screener, type, context);
            return 0;
        }

        if (a.Positionals.Count > 1)
        {
            throw new CliUsageException(Usage);
        }

        string content;
        var path = a.Positionals.Count == 1 ? a.Positionals[0] : "-";
        if (path == "-")
        {
            content = await context.In.ReadToEndAsync(context.Cancellation);
        }
        else if (Directory.Exists(path))
        {
            throw new CliUsageException($"is a directory, not a file: {path}");
        }
        else if (!File.Exists(path))
        {
            throw new CliUsageException($"no such file: {path}");
        }
        else
        {
            content = await File.ReadAllTextAsync(path, Encoding.UTF8, context.Cancellation);
        }

        var result = screener.Screen(content, type, mode, a.Get("source"));
        await context.Out.WriteLineAsync(JsonSerializer.Serialize(ScreeningJson.From(result), ScreeningJsonContext.Default.ScreeningResponse));
        return result.Injection.Detected ? 3 : 0;
    }

    internal static ContentType ParseContentType(string value) => value switch
    {
        "text" => ContentType.Text,
        "html" => ContentType.Html,
        "markdown" or "md" => ContentType.Markdown,
        _ => throw new CliUsageException($"--content-type must be text, html or markdown, not '{value}'"),
    };
}
