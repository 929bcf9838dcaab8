using System.Text.Json;
using Warden.Scanner.Advisories;
using Warden.Scanner.Probing;
using Warden.Scanner.Versioning;

namespace Warden.Scanner.Checks;

/// <summary>
/// The release, as far as the instance tells it: exactly (<c>hello-ok.server.version</c>, or a
/// <c>version</c> field in the health JSON), or only as a bound from branding ("likely").
/// </summary>
internal sealed record VersionInfo(OpenClawVersion? Exact, string? Source, string? EvidenceId, Branding? LikelyFrom)
{
    public static readonly VersionInfo Unknown = new(null, null, null, null);

    /// <summary>Text for reports.</summary>
    public string? Display => Exact?.Text ?? (LikelyFrom is null ? null : $"< {LikelyFrom.LikelyBefore} (likely)");

    /// <summary>Works out the version from the fingerprint.</summary>
    public static VersionInfo Resolve(Fingerprint fp, AdvisoryTable table)
    {
        if (fp.Handshake is { ServerVersion: { } sv } hs && OpenClawVersion.TryParse(sv, out var fromHello))
        {
            return new VersionInfo(fromHello, "hello-ok.server.version", hs.EvidenceId, null);
        }

        foreach (var probe in new[] { fp.Healthz, fp.Readyz })
        {
            if (probe is { Status: 200 } && FromHealthJson(probe.Body) is { } fromHealth)
            {
                return new VersionInfo(fromHealth, "version field of the health probe JSON", probe.EvidenceId, null);
            }
        }

        if (fp.Brand is { } brand)
        {
            var branding = table.Brandings.FirstOrDefault(b => string.Equals(b.Brand, brand, StringComparison.OrdinalIgnoreCase));
            if (branding is not null)
            {
                return new VersionInfo(null, $"Control UI branding \"{branding.Brand}\"", fp.Page.EvidenceId, branding);
            }
        }

        return Unknown;
    }

    private static OpenClawVersion? FromHealthJson(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String && OpenClawVersion.TryParse(v.GetString(), out var version))
            {
                return version;
            }

            if (root.TryGetProperty("server", out var server) && server.ValueKind == JsonValueKind.Object
                && server.TryGetProperty("version", out var sv) && sv.ValueKind == JsonValueKind.String
                && OpenClawVersion.TryParse(sv.GetString(), out var serverVersion))
            {
                return serverVersion;
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}
