using Warden.Scanner.Findings;

namespace Warden.Scanner;

/// <summary>Reported after each target finishes (for range scans).</summary>
internal sealed record ScanProgress(int Completed, int Total, string Input, bool Detected, Severity? Highest);
