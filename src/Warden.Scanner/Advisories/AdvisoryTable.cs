using System.Text.Json;
using Warden.Scanner.Findings;
using Warden.Scanner.Versioning;

namespace Warden.Scanner.Advisories;

/// <summary>
/// The advisory table, kept as data: the embedded <c>openclaw-advisories.json</c>, parsed and
/// validated whole at first use. A malformed table is a build/packaging bug and throws.
/// </summary>
internal sealed class AdvisoryTable
{
    private const string ResourceName = "Warden.Scanner.Advisories.openclaw-advisories.json";
    private static readonly Lazy<AdvisoryTable> Embedded = new(LoadEmbedded);

    private AdvisoryTable(IReadOnlyList<Advisory> advisories, IReadOnlyList<Branding> brandings)
    {
        Advisories = advisories;
        Brandings = brandings;
    }

    /// <summary>The table shipped with the scanner.</summary>
    public static AdvisoryTable Default => Embedded.Value;

    /// <summary>Every row, in file order.</summary>
    public IReadOnlyList<Advisory> Advisories { get; }

    /// <summary>Former brand names that bound the release.</summary>
    public IReadOnlyList<Branding> Brandings { get; }

    /// <summary>Rows that affect an exactly known version.</summary>
    public IEnumerable<Advisory> Matching(OpenClawVersion version) => Advisories.Where(a => a.Affects(version));

    /// <summary>Rows that affect every release before a bound (for "likely" verdicts).</summary>
    public IEnumerable<Advisory> LikelyMatching(OpenClawVersion exclusiveUpperBound) =>
        Advisories.Where(a => a.AffectsAllBefore(exclusiveUpperBound));

    /// <summary>Parses a table from JSON text; throws <see cref="FormatException"/> naming the bad row.</summary>
    public static AdvisoryTable Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var advisories = new List<Advisory>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in root.GetProperty("advisories").EnumerateArray())
        {
            var id = Required(row, "id");
            if (!ids.Add(id))
            {
                throw new FormatException($"advisory {id} appears twice");
            }

            if (!SeverityNames.TryParse(Required(row, "severity"), out var severity))
            {
                throw new FormatException($"advisory {id}: unknown severity");
            }

            var confirmed = row.GetProperty("confirmed").GetBoolean();
            var fixedVersion = OptionalVersion(row, "fixed", id);
            if (confirmed && fixedVersion is null)
            {
                throw new FormatException($"advisory {id}: a confirmed row needs a fixed version");
            }

            advisories.Add(new Advisory(
                id,
                Strings(row, "aliases"),
                Required(row, "title"),
                severity,
                row.TryGetProperty("cvss", out var cvss) && cvss.ValueKind == JsonValueKind.String ? cvss.GetString() : null,
                OptionalVersion(row, "introduced", id),
                fixedVersion,
                confirmed,
                Required(row, "remediation"),
                Strings(row, "references")));
        }

        var brandings = new List<Branding>();
        if (root.TryGetProperty("brandings", out var brandingRows))
        {
            foreach (var row in brandingRows.EnumerateArray())
            {
                var brand = Required(row, "brand");
                brandings.Add(new Branding(
                    brand,
                    Strings(row, "markers"),
                    OptionalVersion(row, "likelyBefore", brand) ?? throw new FormatException($"branding {brand}: likelyBefore is required"),
                    Required(row, "why")));
            }
        }

        return new AdvisoryTable(advisories, brandings);
    }

    private static AdvisoryTable LoadEmbedded()
    {
        using var stream = typeof(AdvisoryTable).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    private static string Required(JsonElement row, string name) =>
        row.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString())
            ? v.GetString()!
            : throw new FormatException($"advisory table: '{name}' is required");

    private static OpenClawVersion? OptionalVersion(JsonElement row, string name, string id)
    {
        if (!row.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return OpenClawVersion.TryParse(v.GetString(), out var version)
            ? version
            : throw new FormatException($"advisory table row {id}: '{name}' is not a version");
    }

    private static List<string> Strings(JsonElement row, string name) =>
        row.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Select(e => e.GetString() ?? string.Empty).Where(s => s.Length > 0).ToList()
            : [];
}
