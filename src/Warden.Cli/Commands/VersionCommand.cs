using System.Reflection;

namespace Warden.Cli.Commands;

/// <summary><c>warden version</c>: prints the version.</summary>
internal sealed class VersionCommand : ICliCommand
{
    public string Name => "version";

    public string Summary => "print Warden's version";

    public async Task<int> RunAsync(string[] args, CliContext context)
    {
        var a = CliArgs.Parse(args, [], []);
        if (a.Positionals.Count > 0)
        {
            throw new CliUsageException($"unexpected argument '{a.Positionals[0]}'");
        }

        var version = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        await context.Out.WriteLineAsync($"warden {version}");
        return 0;
    }
}
