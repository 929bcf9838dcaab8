using System.Text.Json;
using Warden.Scanner.Findings;

namespace Warden.Scanner.Output;

/// <summary>
/// Writes a <see cref="ScanReport"/> as SARIF 2.1.0 for CI pipelines: one rule per finding id, one
/// result per finding, located at the scanned endpoint URL, with the evidence in the result's
/// property bag and GitHub's <c>security-severity</c> on each rule.
/// </summary>
internal static class SarifWriter
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    public static void Write(Stream output, ScanReport report)
    {
        var findings = report.Hosts.SelectMany(h => h.Findings.Select(f => (Host: h, Finding: f))).ToList();
        var rules = findings
            .GroupBy(x => x.Finding.Id, StringComparer.Ordinal)
            .Select(g => g.First().Finding)
            .OrderBy(f => f.Id, StringComparer.Ordinal)
            .ToList();
        var ruleIndex = rules.Select((r, i) => (r.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);

        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("$schema", SchemaUri);
        w.WriteString("version", "2.1.0");
        w.WriteStartArray("runs");
        w.WriteStartObject();

        w.WriteStartObject("tool");
        w.WriteStartObject("driver");
        w.WriteString("name", ScannerInfo.Name);
        w.WriteString("semanticVersion", report.ScannerVersion);
        w.WriteStartArray("rules");
        foreach (var r in rules)
        {
            w.WriteStartObject();
            w.WriteString("id", r.Id);
            w.WriteString("name", RuleName(r.Id));
            w.WriteStartObject("shortDescription");
            w.WriteString("text", r.Title);
            w.WriteEndObject();
            w.WriteStartObject("help");
            w.WriteString("text", r.Remediation);
            w.WriteEndObject();
            if (r.References.Count > 0 && Uri.IsWellFormedUriString(r.References[0], UriKind.Absolute))
            {
                w.WriteString("helpUri", r.References[0]);
            }

            w.WriteStartObject("defaultConfiguration");
            w.WriteString("level", SeverityNames.SarifLevel(r.Severity));
            w.WriteEndObject();
            w.WriteStartObject("properties");
            w.WriteString("security-severity", SeverityNames.SecurityScore(r.Severity));
            w.WriteStartArray("tags");
            w.WriteStringValue("security");
            w.WriteStringValue("openclaw");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartArray("results");
        foreach (var (host, f) in findings)
        {
            w.WriteStartObject();
            w.WriteString("ruleId", f.Id);
            w.WriteNumber("ruleIndex", ruleIndex[f.Id]);
            w.WriteString("level", SeverityNames.SarifLevel(f.Severity));
            w.WriteStartObject("message");
            w.WriteString("text", $"{f.Title}. {f.Detail}");
            w.WriteEndObject();
            w.WriteStartArray("locations");
            w.WriteStartObject();
            w.WriteStartObject("physicalLocation");
            w.WriteStartObject("artifactLocation");
            w.WriteString("uri", f.Target);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartObject("partialFingerprints");
            w.WriteString("wardenScan/v1", $"{f.Id}|{f.Target}");
            w.WriteEndObject();
            w.WriteStartObject("properties");
            w.WriteString("severity", SeverityNames.Name(f.Severity));
            w.WriteString("confidence", f.Confidence);
            w.WriteString("remediation", f.Remediation);
            w.WriteStartArray("references");
            foreach (var reference in f.References)
            {
                w.WriteStringValue(reference);
            }

            w.WriteEndArray();
            w.WriteStartArray("evidence");
            foreach (var id in f.EvidenceIds)
            {
                if (host.Evidence.FirstOrDefault(e => e.Id == id) is { } e)
                {
                    w.WriteStartObject();
                    w.WriteString("request", e.Request);
                    if (e.Status is { } status)
                    {
                        w.WriteNumber("status", status);
                    }

                    w.WriteString("excerpt", e.Excerpt);
                    w.WriteEndObject();
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("invocations");
        w.WriteStartObject();
        w.WriteBoolean("executionSuccessful", !report.DeadlineReached);
        w.WriteString("startTimeUtc", report.StartedAt.UtcDateTime);
        w.WriteString("endTimeUtc", report.FinishedAt.UtcDateTime);
        w.WriteEndObject();
        w.WriteEndArray();

        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static string ToSarif(ScanReport report)
    {
        using var buffer = new MemoryStream();
        Write(buffer, report);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string RuleName(string id)
    {
        var chars = id.Where(char.IsAsciiLetterOrDigit).ToArray();
        return new string(chars);
    }
}
