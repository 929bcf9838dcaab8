using Warden.Cli.Commands;

namespace Warden.Cli;

/// <summary>The <c>warden</c> command: dispatches to one <see cref="ICliCommand"/> per verb.</summary>
internal static class CliApp
{
    /// <summary>Every command, in the order <c>--help</c> lists them. Add one line per command.</summary>
    internal static IReadOnlyList<ICliCommand> Commands { get; } =
    [
        new ServeCommand(),
        new AgentsCommand(),
        new UsersCommand(),
        new TokensCommand(),
        new PolicyCommand(),
        new ProvidersCommand(),
        new ScrubCommand(),
        new ScreenCommand(),
        new AuditCommand(),
        new ScanCommand(),
        new DoctorCommand(),
        new VersionCommand(),
    ];

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await RunAsync(args, new CliContext(stdin, stdout, stderr, cts.Token));
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    public static async Task<int> RunAsync(string[] args, CliContext context)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await WriteHelpAsync(context.Out);
            return args.Length == 0 ? 2 : 0;
        }

        var command = Commands.FirstOrDefault(c => string.Equals(c.Name, args[0], StringComparison.Ordinal));
        if (command is null)
        {
            await context.Error.WriteLineAsync($"warden: unknown command '{args[0]}'; see 'warden --help'");
            return 2;
        }

        try
        {
            return await command.RunAsync(args[1..], context);
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync($"warden {command.Name}: cancelled");
            return 130;
        }
        catch (CliUsageException ex)
        {
            await context.Error.WriteLineAsync($"warden {command.Name}: {ex.Message}");
            return 2;
        }
#pragma warning disable CA1031 // The CLI turns any failure into a one-line reason and a non-zero exit.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await context.Error.WriteLineAsync($"warden {command.Name}: {ex.GetType().Name}: {FirstLine(ex.Message)}");
            return 1;
        }
    }

    /// <summary>The first line of <paramref name="message"/> (the CLI's errors are one line).</summary>
    internal static string FirstLine(string message)
    {
        var i = message.IndexOfAny(['\r', '\n']);
        return i < 0 ? message : message[..i];
    }

    private static async Task WriteHelpAsync(TextWriter output)
    {
        await output.WriteLineAsync("warden: a zero-trust gateway for AI agents");
        await output.WriteLineAsync();
        await output.WriteLineAsync("usage: warden <command> [options]   (warden <command> --help for more)");
        await output.WriteLineAsync();
        foreach (var c in Commands)
        {
            await output.WriteLineAsync($"  {c.Name,-10} {c.Summary}");
        }
    }
}
