using Warden.Core.Audit;
using Warden.Gateway.Audit;
using Warden.Gateway.Hosting;
using Warden.Gateway.Providers;

namespace Warden.Cli.Commands.Audit;

/// <summary>
/// Audits the changes CLI commands make directly in the data directory (agents, users, keys, provider keys), the same
/// way the admin API does: an <c>admin.change</c> record is appended to the trail the gateway writes (SQLite
/// <c>audit.db</c> in the data directory, or <c>Warden:Audit:PostgresConnectionString</c>) BEFORE the change is made.
/// If the record cannot be written the command fails and changes nothing (fail closed). A gateway running on the same
/// trail re-chains after the CLI's record (sequence conflicts are retried by <see cref="HashChainAuditTrail"/>).
/// The acting principal is <c>cli:&lt;operating-system user&gt;</c>; no key or secret is ever part of the record.
/// </summary>
internal static class CliAudit
{
    /// <summary>The <c>via</c> attribute that tells offline CLI changes from admin API changes.</summary>
    public const string Via = "cli";

    public static async Task RecordChangeAsync(
        string dataDirectory, string target, string operation, string id, IReadOnlyDictionary<string, string>? extra, CancellationToken cancellationToken)
    {
        var attributes = new Dictionary<string, string>(extra ?? new Dictionary<string, string>(), StringComparer.Ordinal) { ["via"] = Via };
        var auditEvent = AuditRecords.AdminChangeEvent("cli:" + Environment.UserName, target, operation, id, attributes);
        try
        {
            Directory.CreateDirectory(dataDirectory);
            var options = AuditGatewayOptions.Load(WardenPaths.CliConfiguration());
            await using var handle = new AuditStoreHandle(dataDirectory, options);
            await using var trail = new HashChainAuditTrail(handle.Store, AuditSigningKey.LoadOrCreate(dataDirectory, KeyEncryptionKey.LoadOptional(WardenPaths.ResolveKeyEncryptionKeyFile())), TimeProvider.System, options.Trail);
            await trail.AppendAsync(auditEvent, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new InvalidOperationException($"the audit trail could not be written, nothing was changed ({CliApp.FirstLine(ex.Message)})", ex);
        }
    }
}
