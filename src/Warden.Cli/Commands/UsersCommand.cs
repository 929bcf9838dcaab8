using Warden.Cli.Commands.Audit;
using Warden.Core.Identity;
using Warden.Gateway.Hosting;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Identity;

namespace Warden.Cli.Commands;

/// <summary><c>warden users create NAME --rights ...</c>, <c>users list</c>, <c>users key NAME</c>, <c>users rights NAME --rights ...</c>.</summary>
internal sealed class UsersCommand : ICliCommand
{
    private static readonly string[] ValueOptions = ["data-dir", "rights", "sso-subject"];
    private static readonly string[] Flags = ["help"];

    public string Name => "users";

    public string Summary => "manage local users: create NAME, list, key NAME (prints a key once), rights NAME";

    public async Task<int> RunAsync(string[] args, CliContext context)
    {
        var parsed = CliArgs.Parse(args, ValueOptions, Flags);
        if (parsed.Flag("help") || parsed.Positionals.Count == 0)
        {
            await context.Out.WriteLineAsync("usage: warden users create NAME [--rights \"llm:openai/* tool:github.*:write\"] [--sso-subject ISSUER#SUB] [--data-dir DIR]");
            await context.Out.WriteLineAsync("       warden users list | key NAME | rights NAME --rights \"...\"   [--data-dir DIR]");
            return parsed.Flag("help") ? 0 : 2;
        }

        var dataDir = WardenPaths.ResolveDataDirectory(parsed.Get("data-dir"));
        var store = new SqliteUserStore(new SqliteDatabase(WardenPaths.Database(dataDir)), TimeProvider.System);
        var rights = Rights(parsed.Get("rights"));
        switch (parsed.Positionals[0], parsed.Positionals.Count)
        {
            case ("create", 2):
                if (await store.FindByNameAsync(parsed.Positionals[1], context.Cancellation) is not null)
                {
                    throw new CliUsageException($"a user named '{parsed.Positionals[1]}' already exists");
                }

                await CliAudit.RecordChangeAsync(dataDir, "user", "create", parsed.Positionals[1], RightsAttribute(rights), context.Cancellation);
                try
                {
                    var user = await store.CreateAsync(parsed.Positionals[1], rights, parsed.Get("sso-subject"), context.Cancellation);
                    await context.Out.WriteLineAsync($"created user {user.Name} ({user.Id}) with rights: {string.Join(' ', user.Rights)}");
                }
                catch (InvalidOperationException ex)
                {
                    throw new CliUsageException(ex.Message);
                }

                return 0;
            case ("list", 1):
                foreach (var u in await store.ListAsync(context.Cancellation))
                {
                    await context.Out.WriteLineAsync($"{u.Id}\t{u.Name}\t{(u.Disabled ? "disabled" : "active")}\t{string.Join(' ', u.Rights)}");
                }

                return 0;
            case ("key", 2):
                var owner = await Find(store, parsed.Positionals[1], context);
                await CliAudit.RecordChangeAsync(dataDir, "user", "create_key", owner.Id, null, context.Cancellation);
                var key = UserKeys.Generate();
                await store.AddKeyAsync(owner.Id, UserKeys.Hash(key), context.Cancellation);
                await context.Out.WriteLineAsync($"new key for {owner.Name}. It is shown ONCE:");
                await context.Out.WriteLineAsync(key);
                return 0;
            case ("rights", 2):
                var target = await Find(store, parsed.Positionals[1], context);
                await CliAudit.RecordChangeAsync(dataDir, "user", "set_rights", target.Id, RightsAttribute(rights), context.Cancellation);
                await store.SetRightsAsync(target.Id, rights, context.Cancellation);
                await context.Out.WriteLineAsync($"rights of {target.Name}: {string.Join(' ', rights)}");
                return 0;
            default:
                throw new CliUsageException("unknown sub-command or wrong arguments (create NAME, list, key NAME, rights NAME)");
        }
    }

    internal static IReadOnlyList<string> Rights(string? text)
    {
        var list = (text ?? string.Empty).Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
        foreach (var s in list)
        {
            if (!Scope.TryParse(s, out _, out var error))
            {
                throw new CliUsageException(error);
            }
        }

        return list;
    }

    private static Dictionary<string, string> RightsAttribute(IReadOnlyList<string> rights) =>
        new(StringComparer.Ordinal) { ["rights"] = string.Join(' ', rights) };

    private static async Task<UserRecord> Find(SqliteUserStore store, string name, CliContext context) =>
        await store.FindByNameAsync(name, context.Cancellation) ?? throw new CliUsageException($"no user named '{name}'");
}
