using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Warden.Core.Detection;
using Warden.Core.Detection.Operators;
using Warden.Core.Pseudonymization;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden scrub</c>: scrubs PII and secrets from stdin or a file to stdout. With <c>--jsonl</c> it speaks the
/// evaluation protocol: one <c>{"id","entities","text"}</c> line per <c>{"id","text"}</c> line, in order; a bad
/// line yields <c>{"id","error"}</c> and the run goes on.
/// </summary>
internal sealed class ScrubCommand : ICliCommand
{
    private static readonly string[] ValueOptions = ["entities", "operator", "min-score", "key-env", "allow", "deny", "fakes", "config"];
    private static readonly string[] Flags = ["jsonl", "no-names", "help"];
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Name => "scrub";

    public string Summary => "scrub PII and secrets from stdin or a file (--jsonl for the eval protocol)";

    public async Task<int> RunAsync(string[] args, CliContext context)
    {
        var a = CliArgs.Parse(args, ValueOptions, Flags);
        if (a.Flag("help"))
        {
            await context.Out.WriteLineAsync("usage: warden scrub [FILE] [--jsonl] [--entities T1,T2] [--operator redact|mask|hash|encrypt|pseudonymize]");
            await context.Out.WriteLineAsync("                    [--min-score 0.35] [--no-names] [--allow v1,v2] [--deny v1,v2] [--key-env VAR]");
            await context.Out.WriteLineAsync("                    [--fakes T1,T2|all]  (pseudonymize: realistic fakes of the same shape for these types)");
            await context.Out.WriteLineAsync("                    [--config FILE.json]  (Warden:Detection: custom recognizers, lists, min score; flags add to it)");
            await context.Out.WriteLineAsync("  hash/encrypt read a base64 32-byte key from $WARDEN_SCRUB_KEY (or --key-env VAR).");
            return 0;
        }

        if (a.Positionals.Count > 1)
        {
            throw new CliUsageException("at most one input file");
        }

        var configured = LoadConfigured(a.Get("config"));
        var options = configured with
        {
            NamedEntities = configured.NamedEntities && !a.Flag("no-names"),
            MinScore = a.Has("min-score") ? ParseScore(a.Get("min-score")!) : configured.MinScore,
            AllowList = [.. configured.AllowList, .. Split(a.Get("allow"))],
            DenyList = [.. configured.DenyList, .. Split(a.Get("deny"))],
        };
        IReadOnlyCollection<string>? entities = a.Has("entities") ? Split(a.Get("entities")) : null;
        var engine = new DetectionEngine(options);
        if (entities is not null)
        {
            var unknown = entities.Where(e => !engine.SupportedTypes.Contains(e)).ToArray();
            if (unknown.Length > 0)
            {
                throw new CliUsageException($"unknown entity type(s): {string.Join(", ", unknown)}; known: {string.Join(", ", engine.SupportedTypes)}");
            }
        }

        var op = ParseOperator(a.Get("operator") ?? "redact");
        var opOptions = new OperatorOptions { Operator = op, HashKey = KeyFor(op, a.Get("key-env")), EncryptionKey = KeyFor(op, a.Get("key-env")) };
        opOptions.Validate();
        string[] fakes = a.Get("fakes") is { } f ? (f.Trim() is "all" or "*" ? [PseudonymizerOptions.AllTypes] : Split(f)) : [];
        if (fakes.Length > 0 && op != ScrubOperator.Pseudonymize)
        {
            throw new CliUsageException("--fakes needs --operator pseudonymize");
        }

        var unknownFakes = fakes.Where(t => t != PseudonymizerOptions.AllTypes && !engine.SupportedTypes.Contains(t)).ToArray();
        if (unknownFakes.Length > 0)
        {
            throw new CliUsageException($"unknown entity type(s) in --fakes: {string.Join(", ", unknownFakes)}");
        }

        var pseudonymizer = op == ScrubOperator.Pseudonymize ? new Pseudonymizer(engine, TimeProvider.System, new PseudonymizerOptions { FakeTypes = fakes }) : null;
        var scrubber = new Func<string, (IReadOnlyList<Finding> Findings, string Text)>(text =>
        {
            if (pseudonymizer is not null)
            {
                var session = (PseudonymizationSession)pseudonymizer.OpenSession(null, entities);
                var found = engine.Analyze(text, entities);
                return (found, session.Protect(text, found));
            }

            var findings = engine.Analyze(text, entities);
            return (findings, Anonymizer.Apply(text, findings, opOptions));
        });

        TextReader input = context.In;
        StreamReader? file = null;
        if (a.Positionals.Count == 1)
        {
            if (Directory.Exists(a.Positionals[0]))
            {
                throw new CliUsageException($"is a directory, not a file: {a.Positionals[0]}");
            }

            if (!File.Exists(a.Positionals[0]))
            {
                throw new CliUsageException($"no such file: {a.Positionals[0]}");
            }

            file = new StreamReader(a.Positionals[0], Encoding.UTF8);
            input = file;
        }

        try
        {
            if (a.Flag("jsonl"))
            {
                await JsonlAsync(input, context, scrubber);
            }
            else
            {
                var text = await input.ReadToEndAsync(context.Cancellation);
                await context.Out.WriteAsync(scrubber(text).Text);
                await context.Out.FlushAsync(context.Cancellation);
            }
        }
        finally
        {
            file?.Dispose();
        }

        return 0;
    }

    private static async Task JsonlAsync(TextReader input, CliContext context, Func<string, (IReadOnlyList<Finding> Findings, string Text)> scrubber)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (await input.ReadLineAsync(context.Cancellation) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            buffer.Clear();
            using (var w = new Utf8JsonWriter(buffer, JsonOptions))
            {
                WriteResult(line, w, scrubber);
            }

            await context.Out.WriteLineAsync(Encoding.UTF8.GetString(buffer.WrittenSpan));
        }

        await context.Out.FlushAsync(context.Cancellation);
    }

    internal static void WriteResult(string line, Utf8JsonWriter w, Func<string, (IReadOnlyList<Finding> Findings, string Text)> scrubber)
    {
        var parsed = JsonlLine.Parse(line);
        w.WriteStartObject();
        parsed.WriteId(w);
        if (parsed.Text is not { } text)
        {
            w.WriteString("error", parsed.Error ?? "missing text");
            w.WriteEndObject();
            return;
        }

        var (findings, scrubbed) = scrubber(text);
        w.WriteStartArray("entities");
        foreach (var f in findings)
        {
            w.WriteStartObject();
            w.WriteString("type", f.Type);
            w.WriteNumber("start", f.Start);
            w.WriteNumber("end", f.End);
            w.WriteNumber("score", Math.Round(f.Score, 3));
            w.WriteString("recognizer", f.Recognizer);
            if (f.Kind is not null)
            {
                w.WriteString("kind", f.Kind);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("text", scrubbed);
        w.WriteEndObject();
    }

    /// <summary>The <c>Warden:Detection</c> section of <paramref name="file"/> (validated whole), or the defaults.</summary>
    private static DetectionOptions LoadConfigured(string? file)
    {
        if (file is null)
        {
            return new DetectionOptions();
        }

        if (!File.Exists(file))
        {
            throw new CliUsageException($"config file '{file}' not found");
        }

        try
        {
            var configuration = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(file), optional: false).Build();
            return Gateway.Detection.DetectionConfiguration.Detection(configuration);
        }
        catch (InvalidDataException ex)
        {
            throw new CliUsageException($"config file '{file}' is not valid JSON ({ex.InnerException?.GetType().Name ?? ex.GetType().Name})");
        }
        catch (Gateway.Hosting.WardenConfigurationException ex)
        {
            throw new CliUsageException(ex.Message);
        }
    }

    private static double ParseScore(string s) =>
        double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 1
            ? v
            : throw new CliUsageException("--min-score must be a number within [0, 1]");

    private static ScrubOperator ParseOperator(string s) => s.ToUpperInvariant() switch
    {
        "REDACT" => ScrubOperator.Redact,
        "MASK" => ScrubOperator.Mask,
        "HASH" => ScrubOperator.Hash,
        "ENCRYPT" => ScrubOperator.Encrypt,
        "PSEUDONYMIZE" or "PSEUDONYMISE" => ScrubOperator.Pseudonymize,
        _ => throw new CliUsageException($"unknown operator '{s}' (redact, mask, hash, encrypt, pseudonymize)"),
    };

    private static string[] Split(string? s) =>
        string.IsNullOrWhiteSpace(s) ? [] : s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static byte[]? KeyFor(ScrubOperator op, string? envName)
    {
        if (op is not (ScrubOperator.Hash or ScrubOperator.Encrypt))
        {
            return null;
        }

        var name = envName ?? "WARDEN_SCRUB_KEY";
        var b64 = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrEmpty(b64))
        {
            throw new CliUsageException($"operator {op.ToString().ToLowerInvariant()} needs a base64 32-byte key in ${name}");
        }

        try
        {
            var key = Convert.FromBase64String(b64);
            return key.Length == 32 ? key : throw new CliUsageException($"${name} must decode to exactly 32 bytes");
        }
        catch (FormatException)
        {
            throw new CliUsageException($"${name} is not base64");
        }
    }
}
