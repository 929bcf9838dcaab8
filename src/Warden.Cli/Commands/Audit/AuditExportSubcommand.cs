using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Warden.Core.Audit;

namespace Warden.Cli.Commands.Audit;

/// <summary>
/// <c>warden audit export</c>: writes matching records as JSONL, one
/// <c>{"hash":"…","record":{canonical JSON, verbatim}}</c> per line, so a consumer can re-hash.
/// </summary>
internal static class AuditExportSubcommand
{
    public static async Task<int> RunAsync(string[] args, CliContext context)
    {
        var options = CliArgs.Parse(args, ["data-dir", "postgres", "agent", "user", "task", "decision", "provider", "type", "from", "to", "after", "out"], []);
        if (options.Positionals.Count > 0)
        {
            throw new CliUsageException($"unexpected argument '{options.Positionals[0]}'");
        }

        var query = new AuditQuery
        {
            AgentId = options.Get("agent"),
            UserId = options.Get("user"),
            TaskId = options.Get("task"),
            Decision = options.Get("decision"),
            Provider = options.Get("provider"),
            Type = options.Get("type"),
            From = Time(options, "from"),
            To = Time(options, "to"),
            AfterSequence = options.Get("after") is { } a
                ? (long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var after) ? after : throw new CliUsageException("--after must be a sequence number"))
                : 0,
            Limit = AuditQuery.MaxLimit,
        };
        try
        {
            query.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException(ex.Message);
        }

        await using var source = AuditStoreSource.Open(options);
        var outPath = options.Get("out");
        await using var file = outPath is null ? null : new StreamWriter(outPath, append: false, new UTF8Encoding(false));
        var output = file ?? context.Out;
        var buffer = new ArrayBufferWriter<byte>(1024);
        var count = 0L;
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false });
        while (true)
        {
            var rows = await source.Store.QueryAsync(query, context.Cancellation);
            foreach (var row in rows)
            {
                buffer.ResetWrittenCount();
                writer.Reset();
                writer.WriteStartObject();
                writer.WriteString("hash"u8, Convert.ToHexStringLower(row.Hash));
                writer.WritePropertyName("record"u8);
                writer.WriteRawValue(row.Body, skipInputValidation: false);
                writer.WriteEndObject();
                writer.Flush();
                await output.WriteLineAsync(Encoding.UTF8.GetString(buffer.WrittenSpan));
                count++;
            }

            if (rows.Count < query.Limit)
            {
                break;
            }

            query = query with { AfterSequence = rows[^1].Sequence };
        }

        await output.FlushAsync(context.Cancellation);
        if (outPath is not null)
        {
            await context.Out.WriteLineAsync($"audit export: {count} records written to {outPath}");
        }

        return 0;
    }

    private static DateTimeOffset? Time(CliArgs options, string name) =>
        options.Get(name) is not { } v ? null
        : DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t
        : throw new CliUsageException($"--{name} must be an ISO 8601 time");
}
