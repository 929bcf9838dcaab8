namespace Warden.Core.Policy.Expressions;

/// <summary>A condition that does not parse or does not type-check against Warden's variables.</summary>
public sealed class CelSyntaxException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CelSyntaxException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public CelSyntaxException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public CelSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the offending position.</summary>
    internal CelSyntaxException(string message, int position)
        : base($"{message} (at column {position + 1})")
    {
    }
}
