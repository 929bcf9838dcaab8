namespace Warden.Scanner;

/// <summary>Scanner identity for User-Agent, reports and SARIF.</summary>
internal static class ScannerInfo
{
    public const string Name = "warden-scan";

    public static string Version { get; } = typeof(ScannerInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
