using System.Text.Json;
using Warden.Scanner.Findings;

namespace Warden.Scanner.Output;

/// <summary>
/// Writes a <see cref="ScanReport"/> as JSON: per host the endpoint, detection, version, findings
/// (id, severity, title, evidence, remediation, references) and every probe as evidence.
/// Written with <see cref="Utf8JsonWriter"/> (no reflection), property order stable.
/// </summary>
internal static class JsonReportWriter
{
    public static void Write(Stream output, ScanReport report, bool indented = true)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = indented });
        w.WriteStartObject();
        w.WriteString("scanner", ScannerInfo.Name);
        w.WriteString("version", report.ScannerVersion);
        w.WriteString("startedAt", report.StartedAt);
        w.WriteString("finishedAt", report.FinishedAt);
        w.WriteBoolean("deadlineReached", report.DeadlineReached);
        if (report.Highest is { } highest)
        {
            w.WriteString("highestSeverity", SeverityNames.Name(highest));
        }
        else
        {
            w.WriteNull("highestSeverity");
        }

        w.WriteNumber("exitCode", report.ExitCode);
        w.WriteStartArray("hosts");
        foreach (var host in report.Hosts)
        {
            WriteHost(w, host);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static string ToJson(ScanReport report, bool indented = true)
    {
        using var buffer = new MemoryStream();
        Write(buffer, report, indented);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteHost(Utf8JsonWriter w, HostResult host)
    {
        w.WriteStartObject();
        w.WriteString("input", host.Input);
        w.WriteString("endpoint", host.Endpoint);
        w.WriteBoolean("detected", host.Detected);
        w.WriteString("brand", host.Brand);
        w.WriteString("openclawVersion", host.Version);
        w.WriteString("versionSource", host.VersionSource);
        w.WriteStartArray("findings");
        foreach (var f in host.Findings)
        {
            w.WriteStartObject();
            w.WriteString("id", f.Id);
            w.WriteString("severity", SeverityNames.Name(f.Severity));
            w.WriteString("title", f.Title);
            w.WriteString("target", f.Target);
            w.WriteString("confidence", f.Confidence);
            w.WriteString("detail", f.Detail);
            w.WriteStartArray("evidence");
            foreach (var id in f.EvidenceIds)
            {
                var e = host.Evidence.FirstOrDefault(x => x.Id == id);
                if (e is not null)
                {
                    WriteEvidence(w, e);
                }
            }

            w.WriteEndArray();
            w.WriteString("remediation", f.Remediation);
            w.WriteStartArray("references");
            foreach (var r in f.References)
            {
                w.WriteStringValue(r);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("probes");
        foreach (var e in host.Evidence)
        {
            WriteEvidence(w, e);
        }

        w.WriteEndArray();
        w.WriteStartArray("errors");
        foreach (var e in host.Errors)
        {
            w.WriteStringValue(e);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteEvidence(Utf8JsonWriter w, Evidence e)
    {
        w.WriteStartObject();
        w.WriteString("id", e.Id);
        w.WriteString("kind", e.Kind);
        w.WriteString("request", e.Request);
        if (e.Status is { } status)
        {
            w.WriteNumber("status", status);
        }
        else
        {
            w.WriteNull("status");
        }

        w.WriteString("excerpt", e.Excerpt);
        if (e.Error is not null)
        {
            w.WriteString("error", e.Error);
        }

        w.WriteEndObject();
    }
}
