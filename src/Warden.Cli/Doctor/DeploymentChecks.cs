using Warden.Cli.Commands.Audit;
using Warden.Core.Audit;
using Warden.Storage.Postgres;
using Warden.Storage.Postgres.Audit;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Cli.Doctor;

/// <summary>
/// The data directory (database, key ring) is reachable by its owner only: the directory has no
/// group/other permission bits (0700), and nothing inside is group- or world-writable.
/// </summary>
internal sealed class DataDirectoryPermissionsCheck : IDoctorCheck
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public string Id => "data-dir-permissions";

    public Task<DoctorResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            return Task.FromResult(DoctorResult.NotChecked(Id, "Windows ACLs are not inspected; make sure only the service account can read " + context.DataDirectory));
        }

        var dir = context.DataDirectory;
        if (!Directory.Exists(dir))
        {
            return Task.FromResult(DoctorResult.NotChecked(Id, $"data directory {dir} does not exist yet (warden serve creates it owner-only)"));
        }

        var open = new List<string>();
        var dirMode = File.GetUnixFileMode(dir);
        if ((dirMode & GroupOrOther) != 0)
        {
            open.Add($"{dir} ({Octal(dirMode)})");
        }

        foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 3, IgnoreInaccessible = true }).Take(500))
        {
            // A symbolic link's own mode is always 0777 and says nothing (a dangling one has no target to read); a file
            // removed while the walk runs is skipped.
            if (entry.LinkTarget is not null)
            {
                continue;
            }

            UnixFileMode mode;
            try
            {
                mode = entry.UnixFileMode;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            {
                open.Add($"{entry.FullName} ({Octal(mode)})");
            }
        }

        return Task.FromResult(open.Count == 0
            ? DoctorResult.Pass(Id, $"{dir} and its files are owner-only")
            : DoctorResult.Fail(Id, "open to group/others: " + string.Join(", ", open.Take(5)) + (open.Count > 5 ? $" and {open.Count - 5} more" : string.Empty),
                $"chmod -R go-rwx {dir}"));
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1FF, 8);
}

/// <summary>
/// Policy denies by default. Checked when a <c>Warden:Policy:DefaultEffect</c> setting exists;
/// providers open to every agent (<c>Agents: ["*"]</c>) are reported as a warning either way.
/// </summary>
internal sealed class PolicyDefaultDenyCheck : IDoctorCheck
{
    public string Id => "policy-default-deny";

    public Task<DoctorResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        var effect = context.Configuration["Warden:Policy:DefaultEffect"];
        if (effect is not null && !string.Equals(effect.Trim(), "deny", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(DoctorResult.Fail(Id, $"Warden:Policy:DefaultEffect is '{effect}', not deny", "set Warden:Policy:DefaultEffect to deny and allow what is needed with explicit rules"));
        }

        var open = context.Options?.Providers.Where(p => p.Value.Agents is null || p.Value.Agents.Contains("*")).Select(p => p.Key).ToList() ?? [];
        if (open.Count > 0)
        {
            return Task.FromResult(DoctorResult.Warn(Id, $"provider(s) open to every agent (Agents unset or [\"*\"]): {string.Join(", ", open)}", "list the agents allowed to use each provider in Warden:Providers:<name>:Agents"));
        }

        var policyPath = context.Configuration["Warden:Policy:Path"];
        if (!string.IsNullOrWhiteSpace(policyPath) && !File.Exists(policyPath) && !Directory.Exists(policyPath))
        {
            return Task.FromResult(DoctorResult.Fail(Id, $"Warden:Policy:Path {policyPath} does not exist, so only the built-in provider access lists decide", "point Warden:Policy:Path at the policy file or directory, or remove the setting"));
        }

        // Both decision points Warden ships (the provider access lists and the rule engine) deny when no rule allows;
        // there is no setting that turns that off.
        return Task.FromResult(DoctorResult.Pass(Id, "deny by default (built in: no rule allows => deny; deny overrides allow), and every provider lists its agents"));
    }
}

/// <summary>
/// The audit hash chain and every signed checkpoint verify (the same verifier as <c>warden audit verify</c>),
/// on the PostgreSQL store when <c>Warden:Audit:PostgresConnectionString</c> is set, else on the data directory's SQLite file.
/// </summary>
internal sealed class AuditChainCheck : IDoctorCheck
{
    public string Id => "audit-chain";

    public async Task<DoctorResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        var dir = context.DataDirectory;
        if (!File.Exists(Path.Combine(dir, AuditSigningKey.PublicKeyFileName)))
        {
            return DoctorResult.NotChecked(Id, $"no audit public key in {dir} yet (warden serve creates it on first start)");
        }

        var postgres = context.Configuration["Warden:Audit:PostgresConnectionString"];
        var sqliteFile = Path.Combine(dir, AuditStoreSource.DatabaseFileName);
        if (string.IsNullOrWhiteSpace(postgres) && !File.Exists(sqliteFile))
        {
            return DoctorResult.NotChecked(Id, $"no audit database at {sqliteFile} yet");
        }

        try
        {
            using var key = AuditSigningKey.LoadPublic(dir);
            AuditVerificationResult result;
            if (!string.IsNullOrWhiteSpace(postgres))
            {
                await using var db = new PostgresDatabase(postgres);
                result = await new AuditVerifier(new PostgresAuditStore(db), key).VerifyAsync(cancellationToken);
            }
            else
            {
                using var store = new SqliteAuditStore(new SqliteDatabase(sqliteFile));
                result = await new AuditVerifier(store, key).VerifyAsync(cancellationToken);
            }

            return result.IsValid
                ? DoctorResult.Pass(Id, $"audit chain verifies: {result.RecordsChecked} records, {result.CheckpointsChecked} checkpoints")
                : DoctorResult.Fail(Id, $"audit chain TAMPERED: {AuditVerifySubcommand.KindName(result.Kind)} at record {result.FirstBadSequence}: {result.Message}", "treat the host as compromised: preserve the database, compare with exported copies, rotate keys");
        }
#pragma warning disable CA1031 // A doctor check reports any failure as a failed check.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return DoctorResult.Fail(Id, $"the audit store could not be read: {ex.GetType().Name}", "check the audit database and its permissions, then run 'warden audit verify'");
        }
    }
}
