using Warden.Cli.Commands.Audit;
using Warden.Core.Identity;
using Warden.Gateway.Hosting;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Principals;

namespace Warden.Cli.Commands;

/// <summary><c>warden agents create NAME</c> (prints the key once) and <c>warden agents list</c>.</summary>
internal sealed class AgentsCommand : ICliCommand
{
    private static readonly string[] ValueOptions = ["data-dir", "type", "owner", "description", "ceiling"];
    private static readonly string[] Flags = ["help"];

    public string Name => "agents";

    public string Summary => "manage agents: create NAME (prints its key once), list";

    public async Task<int> RunAsync(string[] args, CliContext context)
    {
        var parsed = CliArgs.Parse(args, ValueOptions, Flags);
        if (parsed.Flag("help") || parsed.Positionals.Count == 0)
        {
            await context.Out.WriteLineAsync("usage: warden agents create NAME [--type T] [--owner O] [--description D] [--data-dir DIR]");
            await context.Out.WriteLineAsync("       warden agents list [--data-dir DIR]");
            await context.Out.WriteLineAsync("       warden agents profile NAME [--ceiling \"llm:openai/* tool:github.*:write\"] [--type T] [--owner O] [--description D]");
            return parsed.Flag("help") ? 0 : 2;
        }

        var dataDir = WardenPaths.ResolveDataDirectory(parsed.Get("data-dir"));
        var store = new SqlitePrincipalStore(new SqliteDatabase(WardenPaths.Database(dataDir)), TimeProvider.System);
        switch (parsed.Positionals[0])
        {
            case "create":
                if (parsed.Positionals.Count != 2)
                {
                    throw new CliUsageException("usage: warden agents create NAME");
                }

                var name = parsed.Positionals[1];
                if (!IsValidName(name))
                {
                    throw new CliUsageException("agent names are 1-64 characters of letters, digits, '-', '_' and '.'");
                }

                if (await store.FindAgentByNameAsync(name, context.Cancellation) is not null)
                {
                    throw new CliUsageException($"an agent named '{name}' already exists");
                }

                var agentId = WardenBootstrap.NewAgentId();
                await CliAudit.RecordChangeAsync(dataDir, "agent", "create", agentId, new Dictionary<string, string>(StringComparer.Ordinal) { ["name"] = name }, context.Cancellation);
                var key = ApiKeys.Generate(ApiKeys.AgentPrefix);
                var agent = await store.CreateAgentAsync(
                    new AgentRecord(agentId, name, TimeProvider.System.GetUtcNow(), parsed.Get("owner"), parsed.Get("type"), parsed.Get("description")),
                    ApiKeys.Hash(key), context.Cancellation);
                await context.Out.WriteLineAsync($"created agent {agent.Name} ({agent.Id}). Its key is shown ONCE:");
                await context.Out.WriteLineAsync(key);
                return 0;
            case "list":
                foreach (var a in await store.ListAgentsAsync(context.Cancellation))
                {
                    await context.Out.WriteLineAsync($"{a.Id}\t{a.Name}\t{a.CreatedAt:O}\t{(a.IsRevoked ? "revoked" : "active")}");
                }

                return 0;
            case "profile":
                return await AgentProfileCommand.RunAsync(parsed, context);
            default:
                throw new CliUsageException($"unknown sub-command '{parsed.Positionals[0]}' (create, list, profile)");
        }
    }

    private static bool IsValidName(string name)
    {
        if (name.Length is 0 or > 64)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
