using Microsoft.Extensions.Configuration;
using Warden.Core.Identity;
using Warden.Core.RateLimiting;
using Warden.Gateway.Hosting;

namespace Warden.Gateway.Identity;

/// <summary>
/// Identity, policy and rate-limit settings, read from <c>Warden:Identity</c>, <c>Warden:Policy</c>,
/// <c>Warden:RateLimits</c> and <c>Warden:Redis</c>, validated whole at startup.
/// </summary>
public sealed record WardenIdentitySettings
{
    /// <summary>Task-token settings (<c>Warden:Identity:TaskTokens</c>).</summary>
    public TaskTokenOptions TaskTokens { get; init; } = new();

    /// <summary>Trusted SSO issuers (<c>Warden:Identity:Oidc</c>).</summary>
    public IReadOnlyList<OidcIssuerOptions> Oidc { get; init; } = [];

    /// <summary>A policy file or directory (<c>Warden:Policy:Path</c>); null keeps the gateway's provider allow-list policy.</summary>
    public string? PolicyPath { get; init; }

    /// <summary>How often a replica checks the stored (admin API) rules for a change made elsewhere (<c>Warden:Policy:RefreshInterval</c>, default 1 s; zero: on every request).</summary>
    public TimeSpan PolicyRefreshInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>PostgreSQL for the stored policy rules (<c>Warden:Policy:PostgresConnectionString</c>); else the SQLite database.</summary>
    public string? PolicyPostgres { get; init; }

    /// <summary>Classify each proxied prompt with the detection engine (<c>pii</c>, <c>secret</c>) for <c>resource.data</c> (<c>Warden:Policy:ClassifyWithDetection</c>).</summary>
    public bool ClassifyWithDetection { get; init; }

    /// <summary>Limits and budgets (<c>Warden:RateLimits</c>).</summary>
    public RateLimitOptions RateLimits { get; init; } = new();

    /// <summary>StackExchange.Redis configuration (<c>Warden:Redis</c>); when set, revocations and limits are shared by replicas.</summary>
    public string? Redis { get; init; }

    /// <summary>Token-exchange requests each client address may make per minute (<c>Warden:Identity:TokenRequestsPerMinute</c>).</summary>
    public int TokenRequestsPerMinute { get; init; } = 120;

    /// <summary>Reads and validates; throws <see cref="WardenConfigurationException"/> listing every error.</summary>
    public static WardenIdentitySettings Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = new List<string>();
        var tokens = configuration.GetSection("Warden:Identity:TaskTokens").Get<TaskTokenOptions>() ?? new TaskTokenOptions();
        var oidc = new List<OidcIssuerOptions>();
        foreach (var s in configuration.GetSection("Warden:Identity:Oidc").GetChildren())
        {
            var issuer = s["Issuer"];
            var audience = s["Audience"];
            if (string.IsNullOrWhiteSpace(issuer) || string.IsNullOrWhiteSpace(audience))
            {
                errors.Add($"Warden:Identity:Oidc:{s.Key}: Issuer and Audience are required");
                continue;
            }

            oidc.Add(new OidcIssuerOptions
            {
                Issuer = issuer,
                Audience = audience,
                MetadataAddress = s["MetadataAddress"],
                RequireHttps = !string.Equals(s["RequireHttps"], "false", StringComparison.OrdinalIgnoreCase),
            });
        }

        var limits = configuration.GetSection("Warden:RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        try
        {
            tokens.Validate();
        }
        catch (ArgumentException ex)
        {
            errors.Add("Warden:Identity:TaskTokens: " + ex.Message);
        }

        try
        {
            limits.Validate();
        }
        catch (ArgumentException ex)
        {
            errors.Add("Warden:RateLimits: " + ex.Message);
        }

        var policyPath = configuration["Warden:Policy:Path"];
        if (!string.IsNullOrEmpty(policyPath) && !File.Exists(policyPath) && !Directory.Exists(policyPath))
        {
            errors.Add($"Warden:Policy:Path: '{policyPath}' does not exist");
        }

        var refresh = TimeSpan.FromSeconds(1);
        if (configuration["Warden:Policy:RefreshInterval"] is { Length: > 0 } refreshText
            && (!TimeSpan.TryParse(refreshText, System.Globalization.CultureInfo.InvariantCulture, out refresh) || refresh < TimeSpan.Zero || refresh > TimeSpan.FromMinutes(10)))
        {
            errors.Add("Warden:Policy:RefreshInterval: a time span between 00:00:00 and 00:10:00");
        }

        var tokenRate = 120;
        if (configuration["Warden:Identity:TokenRequestsPerMinute"] is { Length: > 0 } rateText
            && (!int.TryParse(rateText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out tokenRate) || tokenRate is < 1 or > 1_000_000))
        {
            errors.Add("Warden:Identity:TokenRequestsPerMinute: a whole number between 1 and 1000000");
        }

        if (errors.Count > 0)
        {
            throw new WardenConfigurationException(errors);
        }

        return new WardenIdentitySettings
        {
            TokenRequestsPerMinute = tokenRate,
            TaskTokens = tokens,
            Oidc = oidc,
            PolicyPath = string.IsNullOrEmpty(policyPath) ? null : policyPath,
            PolicyRefreshInterval = refresh,
            ClassifyWithDetection = string.Equals(configuration["Warden:Policy:ClassifyWithDetection"], "true", StringComparison.OrdinalIgnoreCase),
            PolicyPostgres = configuration["Warden:Policy:PostgresConnectionString"] is { Length: > 0 } pg ? pg : null,
            RateLimits = limits,
            Redis = configuration["Warden:Redis"] is { Length: > 0 } r ? r : null,
        };
    }
}
