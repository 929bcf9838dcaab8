namespace Warden.Cli.Doctor;

/// <summary>
/// One <c>warden doctor</c> check. Small and independent; add one by implementing this and listing
/// it in <see cref="DoctorChecks.All"/>. A check that cannot be decided returns
/// <see cref="DoctorResult.NotChecked"/> with the reason, never a guess.
/// </summary>
internal interface IDoctorCheck
{
    /// <summary>Stable id, e.g. <c>bind-address</c>.</summary>
    string Id { get; }

    Task<DoctorResult> RunAsync(DoctorContext context, CancellationToken cancellationToken);
}
