using Microsoft.AspNetCore.DataProtection;
using Warden.Cli.Commands.Audit;
using Warden.Gateway.Hosting;
using Warden.Gateway.Providers;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.ProviderKeys;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden providers set-key NAME</c> reads a provider key from standard input and stores it
/// encrypted (Data Protection, key ring in the data directory); <c>warden providers list</c> names
/// the providers with a stored key. No command ever prints a key.
/// </summary>
internal sealed class ProvidersCommand : ICliCommand
{
    private static readonly string[] ValueOptions = ["data-dir"];
    private static readonly string[] Flags = ["help"];

    public string Name => "providers";

    public string Summary => "provider keys: set-key NAME (key on stdin, stored encrypted), list";

    public async Task<int> RunAsync(string[] args, CliContext context)
    {
        var parsed = CliArgs.Parse(args, ValueOptions, Flags);
        if (parsed.Flag("help") || parsed.Positionals.Count == 0)
        {
            await context.Out.WriteLineAsync("usage: echo \"$KEY\" | warden providers set-key NAME [--data-dir DIR]");
            await context.Out.WriteLineAsync("       warden providers list [--data-dir DIR]");
            return parsed.Flag("help") ? 0 : 2;
        }

        var dataDir = WardenPaths.ResolveDataDirectory(parsed.Get("data-dir"));
        var store = new SqliteProviderKeyStore(new SqliteDatabase(WardenPaths.Database(dataDir)), TimeProvider.System);
        switch (parsed.Positionals[0])
        {
            case "set-key":
                if (parsed.Positionals.Count != 2 || parsed.Positionals[1].Contains('/', StringComparison.Ordinal))
                {
                    throw new CliUsageException("usage: warden providers set-key NAME (the key is read from standard input)");
                }

                var key = (await context.In.ReadLineAsync(context.Cancellation))?.Trim();
                if (string.IsNullOrEmpty(key))
                {
                    throw new CliUsageException("no key on standard input");
                }

                await CliAudit.RecordChangeAsync(dataDir, "provider_key", "set", parsed.Positionals[1].ToLowerInvariant(), null, context.Cancellation);
                var protector = WardenDataProtection.Create(dataDir, WardenPaths.ResolveKeyEncryptionKeyFile()).CreateProtector(ProviderKeyVault.Purpose);
                store.Set(parsed.Positionals[1].ToLowerInvariant(), protector.Protect(key));
                await context.Out.WriteLineAsync($"stored an encrypted key for provider '{parsed.Positionals[1].ToLowerInvariant()}'");
                return 0;
            case "list":
                foreach (var p in store.List())
                {
                    await context.Out.WriteLineAsync(p);
                }

                return 0;
            default:
                throw new CliUsageException($"unknown sub-command '{parsed.Positionals[0]}' (set-key, list)");
        }
    }
}
