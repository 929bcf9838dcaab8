namespace Warden.Core.Audit;

/// <summary>A sequence number was already taken (another writer appended first).</summary>
public sealed class AuditConflictException : Exception
{
    public AuditConflictException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
