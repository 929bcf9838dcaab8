namespace Warden.Scanner.Findings;

/// <summary>Stable lower-case names for <see cref="Severity"/> (JSON, SARIF, table) and the exit-code mapping.</summary>
internal static class SeverityNames
{
    public static string Name(Severity severity) => severity switch
    {
        Severity.Info => "info",
        Severity.Low => "low",
        Severity.Medium => "medium",
        Severity.High => "high",
        Severity.Critical => "critical",
        _ => "unknown",
    };

    public static bool TryParse(string? text, out Severity severity)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "INFO": severity = Severity.Info; return true;
            case "LOW": severity = Severity.Low; return true;
            case "MEDIUM": severity = Severity.Medium; return true;
            case "HIGH": severity = Severity.High; return true;
            case "CRITICAL": severity = Severity.Critical; return true;
            default: severity = Severity.Info; return false;
        }
    }

    /// <summary>
    /// Exit code for the highest severity found: 0 none/info, 3 low, 4 medium, 5 high, 6 critical.
    /// (1 is a runtime failure and 2 a usage error, as for every <c>warden</c> command.)
    /// </summary>
    public static int ExitCode(Severity? highest) => highest switch
    {
        null or Severity.Info => 0,
        Severity.Low => 3,
        Severity.Medium => 4,
        Severity.High => 5,
        _ => 6,
    };

    /// <summary>SARIF result level.</summary>
    public static string SarifLevel(Severity severity) => severity switch
    {
        Severity.Critical or Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    /// <summary>GitHub code scanning <c>security-severity</c> score.</summary>
    public static string SecurityScore(Severity severity) => severity switch
    {
        Severity.Critical => "9.5",
        Severity.High => "8.0",
        Severity.Medium => "5.5",
        Severity.Low => "3.0",
        _ => "0.0",
    };
}
