namespace Warden.Core.Audit;

/// <summary>The default <see cref="IAuditTrail.EnqueueAsync"/> for trails that only implement <see cref="IAuditTrail.AppendAsync"/>.</summary>
internal static class AuditTrailDefaults
{
    public static ValueTask EnqueueViaAppendAsync(IAuditTrail trail, AuditEvent auditEvent, Action<AuditEvent, Exception> onFailure)
    {
        ArgumentNullException.ThrowIfNull(onFailure);
        ValueTask<long> append;
        try
        {
            append = trail.AppendAsync(auditEvent, CancellationToken.None);
        }
#pragma warning disable CA1031 // every failure goes to the caller's handler, never out of a fire-and-forget call
        catch (Exception ex)
#pragma warning restore CA1031
        {
            onFailure(auditEvent, ex);
            return ValueTask.CompletedTask;
        }

        if (append.IsCompletedSuccessfully)
        {
            return ValueTask.CompletedTask;
        }

        _ = ObserveAsync(append, auditEvent, onFailure);
        return ValueTask.CompletedTask;
    }

    private static async Task ObserveAsync(ValueTask<long> append, AuditEvent auditEvent, Action<AuditEvent, Exception> onFailure)
    {
        try
        {
            await append.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // see above
        catch (Exception ex)
#pragma warning restore CA1031
        {
            onFailure(auditEvent, ex);
        }
    }
}
