namespace Warden.Core.Audit;

/// <summary>The trail could not make an event durable. The caller must fail the request closed.</summary>
public sealed class AuditUnavailableException : Exception
{
    public AuditUnavailableException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
