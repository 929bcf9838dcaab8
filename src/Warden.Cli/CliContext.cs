namespace Warden.Cli;

/// <summary>Standard streams and cancellation for a command (tests pass their own).</summary>
internal sealed record CliContext(TextReader In, TextWriter Out, TextWriter Error, CancellationToken Cancellation);
