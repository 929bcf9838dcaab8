namespace Warden.Cli;

/// <summary>
/// One <c>warden</c> sub-command. Commands return an exit code; they never throw for bad input:
/// they write a one-line reason to <see cref="CliContext.Error"/> and return non-zero.
/// </summary>
internal interface ICliCommand
{
    /// <summary>The word after <c>warden</c>, e.g. <c>serve</c>.</summary>
    string Name { get; }

    /// <summary>One line for <c>warden --help</c>.</summary>
    string Summary { get; }

    /// <summary>Runs the command with the arguments after its name.</summary>
    Task<int> RunAsync(string[] args, CliContext context);
}
