namespace Warden.Core.Policy;

/// <summary>A policy that failed validation; <see cref="Errors"/> lists every problem found (file: rule: reason).</summary>
public sealed class PolicyValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PolicyValidationException()
        : this([])
    {
    }

    /// <summary>Creates the exception.</summary>
    public PolicyValidationException(string message)
        : this([message])
    {
    }

    /// <summary>Creates the exception.</summary>
    public PolicyValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    /// <summary>Creates the exception from a list of errors.</summary>
    public PolicyValidationException(IReadOnlyList<string> errors)
        : base(errors.Count == 0 ? "invalid policy" : "invalid policy: " + string.Join("; ", errors.Take(5)) + (errors.Count > 5 ? $" (and {errors.Count - 5} more)" : string.Empty))
    {
        Errors = errors;
    }

    /// <summary>Every error found.</summary>
    public IReadOnlyList<string> Errors { get; }
}
