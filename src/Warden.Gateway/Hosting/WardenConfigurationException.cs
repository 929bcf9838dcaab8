namespace Warden.Gateway.Hosting;

/// <summary>The configuration is invalid; <see cref="Exception.Message"/> lists every problem on one line.</summary>
public sealed class WardenConfigurationException : Exception
{
    /// <summary>Creates the exception from the list of problems.</summary>
    public WardenConfigurationException(IReadOnlyList<string> errors)
        : base("invalid configuration: " + string.Join("; ", errors ?? []))
    {
        Errors = errors ?? [];
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<string> Errors { get; }
}
