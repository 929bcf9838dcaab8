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

        foreach (var entry in Directory.EnumerateFileSystemEntries(dir, "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 3, IgnoreInaccessible = true }).Take(500))
        {
            var mode = File.GetUnixFileMode(entry);
            if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            {
                open.Add($"{entry} ({Octal(mode)})");
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

        return Task.FromResult(effect is null
            ? DoctorResult.NotChecked(Id, "no Warden:Policy section in this configuration, so the policy engine's default cannot be read; provider access lists are explicit")
            : DoctorResult.Pass(Id, "policy default effect is deny and every provider lists its agents"));
    }
}

/// <summary>The audit hash chain verifies. Needs the audit store, which this build does not ship.</summary>
internal sealed class AuditChainCheck : IDoctorCheck
{
    public string Id => "audit-chain";

    public Task<DoctorResult> RunAsync(DoctorContext context, CancellationToken cancellationToken) =>
        Task.FromResult(DoctorResult.NotChecked(Id, "this build has no audit store to verify (the gateway's IAuditTrail is a placeholder); verify the chain with the audit engine's command once it is installed"));
}
