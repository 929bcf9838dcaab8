namespace Warden.Cli.Doctor;

/// <summary>Outcome of one doctor check.</summary>
internal enum DoctorStatus
{
    /// <summary>Correctly configured.</summary>
    Pass,

    /// <summary>Not wrong, but worth a look.</summary>
    Warn,

    /// <summary>A misconfiguration to fix.</summary>
    Fail,

    /// <summary>Could not be checked; the message says why.</summary>
    NotChecked,
}
