using Warden.Cli.Commands.Audit;
using Warden.Gateway.Hosting;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Identity;
using Warden.Storage.Sqlite.Principals;

namespace Warden.Cli.Commands;

/// <summary><c>warden agents profile NAME</c>: shows or changes an agent's owner, type, description and ceiling.</summary>
internal static class AgentProfileCommand
{
    public static async Task<int> RunAsync(CliArgs parsed, CliContext context)
    {
        if (parsed.Positionals.Count != 2)
        {
            throw new CliUsageException("usage: warden agents profile NAME [--ceiling \"...\"] [--type T] [--owner O] [--description D]");
        }

        var dataDir = WardenPaths.ResolveDataDirectory(parsed.Get("data-dir"));
        var db = new SqliteDatabase(WardenPaths.Database(dataDir));
        var agent = await new SqlitePrincipalStore(db, TimeProvider.System).FindAgentByNameAsync(parsed.Positionals[1], context.Cancellation)
            ?? throw new CliUsageException($"no agent named '{parsed.Positionals[1]}'");
        var directory = new SqliteAgentDirectory(db, TimeProvider.System);
        var ceiling = parsed.Has("ceiling") ? UsersCommand.Rights(parsed.Get("ceiling")) : null;
        if (ceiling is not null || parsed.Has("type") || parsed.Has("owner") || parsed.Has("description"))
        {
            await CliAudit.RecordChangeAsync(
                dataDir, "agent", "update_profile", agent.Id,
                ceiling is null ? null : new Dictionary<string, string>(StringComparer.Ordinal) { ["ceiling"] = string.Join(' ', ceiling) },
                context.Cancellation);
            await directory.UpdateAsync(agent.Id, parsed.Get("owner"), parsed.Get("type"), parsed.Get("description"), ceiling, context.Cancellation);
        }

        var p = (await directory.GetAsync(agent.Id, context.Cancellation))!;
        await context.Out.WriteLineAsync($"{p.Id}\t{p.Name}\towner={p.Owner ?? "-"}\ttype={p.Type ?? "-"}\tceiling={string.Join(' ', p.Ceiling)}");
        return 0;
    }
}
