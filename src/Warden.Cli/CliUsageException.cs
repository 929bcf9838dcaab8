namespace Warden.Cli;

/// <summary>Bad command-line usage: reported as one line, exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
