namespace Warden.Cli.Doctor;

/// <summary>What one check found, and what to do about it.</summary>
internal sealed record DoctorResult(string CheckId, DoctorStatus Status, string Message, string? Fix = null)
{
    public static DoctorResult Pass(string id, string message) => new(id, DoctorStatus.Pass, message);

    public static DoctorResult Warn(string id, string message, string fix) => new(id, DoctorStatus.Warn, message, fix);

    public static DoctorResult Fail(string id, string message, string fix) => new(id, DoctorStatus.Fail, message, fix);

    public static DoctorResult NotChecked(string id, string why) => new(id, DoctorStatus.NotChecked, "not checked: " + why);
}
