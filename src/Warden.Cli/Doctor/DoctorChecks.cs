namespace Warden.Cli.Doctor;

/// <summary>The doctor's checks, in the order they are reported. Add a check with one line.</summary>
internal static class DoctorChecks
{
    public static IReadOnlyList<IDoctorCheck> All { get; } =
    [
        new ConfigValidCheck(),
        new BindAddressCheck(),
        new TlsCheck(),
        new AdminKeyCheck(),
        new ProviderKeysCheck(),
        new KeyRingCheck(),
        new DataDirectoryPermissionsCheck(),
        new PolicyDefaultDenyCheck(),
        new AuditChainCheck(),
        new InstanceHealthCheck(),
        new InstanceAuthCheck(),
        new InstanceOriginCheck(),
    ];

    public static async Task<IReadOnlyList<DoctorResult>> RunAsync(DoctorContext context, IReadOnlyList<IDoctorCheck> checks, CancellationToken cancellationToken)
    {
        var results = new List<DoctorResult>(checks.Count);
        foreach (var check in checks)
        {
            results.Add(await check.RunAsync(context, cancellationToken));
        }

        return results;
    }
}
