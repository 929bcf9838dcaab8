namespace Warden.Gateway.Errors;

/// <summary>
/// Thrown anywhere in the request path to answer with a Warden error. The message is shown to the
/// caller, so it must never hold prompt, key or secret text.
/// </summary>
public sealed class WardenHttpException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WardenHttpException(int statusCode, string code, string message)
        : base(message)
    {
        StatusCode = statusCode;
        Code = code;
    }

    /// <summary>The HTTP status.</summary>
    public int StatusCode { get; }

    /// <summary>Stable machine code (without the <c>warden_</c> prefix).</summary>
    public string Code { get; }
}
