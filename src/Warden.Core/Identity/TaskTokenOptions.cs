namespace Warden.Core.Identity;

/// <summary>Task-token settings (an immutable snapshot, validated whole).</summary>
public sealed record TaskTokenOptions
{
    /// <summary>The <c>iss</c> of task tokens.</summary>
    public string Issuer { get; init; } = "warden";

    /// <summary>The <c>aud</c> of task tokens.</summary>
    public string Audience { get; init; } = "warden-gateway";

    /// <summary>Lifetime when the request names none (30 minutes).</summary>
    public TimeSpan DefaultLifetime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The longest lifetime that may be asked for.</summary>
    public TimeSpan MaxLifetime { get; init; } = TimeSpan.FromHours(8);

    /// <summary>Tolerated clock difference between replicas.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one signing key signs before a new one is created.</summary>
    public TimeSpan KeyRotationPeriod { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Issuer))
        {
            throw new ArgumentException("task token issuer must be set");
        }

        if (string.IsNullOrWhiteSpace(Audience))
        {
            throw new ArgumentException("task token audience must be set");
        }

        if (DefaultLifetime <= TimeSpan.Zero || MaxLifetime <= TimeSpan.Zero || DefaultLifetime > MaxLifetime)
        {
            throw new ArgumentException("task token lifetimes must be positive and default <= max");
        }

        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentException("clock skew must be between 0 and 5 minutes");
        }

        if (KeyRotationPeriod < TimeSpan.FromMinutes(1))
        {
            throw new ArgumentException("key rotation period must be at least one minute");
        }
    }
}
