namespace Warden.Scanner.Findings;

/// <summary>Finding severity, ordered; the scan's exit code reflects the highest one.</summary>
internal enum Severity
{
    /// <summary>Informational (e.g. "an OpenClaw gateway answers here").</summary>
    Info = 0,

    /// <summary>Low.</summary>
    Low = 1,

    /// <summary>Medium.</summary>
    Medium = 2,

    /// <summary>High.</summary>
    High = 3,

    /// <summary>Critical: exploitable without credentials.</summary>
    Critical = 4,
}
