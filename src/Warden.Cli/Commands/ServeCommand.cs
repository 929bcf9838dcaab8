using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Warden.Gateway.Hosting;

namespace Warden.Cli.Commands;

/// <summary><c>warden serve</c>: runs the gateway until Ctrl+C / SIGTERM.</summary>
internal sealed class ServeCommand : ICliCommand
{
    private static readonly string[] ValueOptions = ["urls", "data-dir", "config"];
    private static readonly string[] Flags = ["demo", "help"];

    public string Name => "serve";

    public string Summary => "run the gateway (--urls, --data-dir, --config FILE, --demo)";

    public async Task<int> RunAsync(string[] args, CliContext context)
    {
        var parsed = CliArgs.Parse(args, ValueOptions, Flags);
        if (parsed.Flag("help"))
        {
            await context.Out.WriteLineAsync("usage: warden serve [--urls URL[;URL]] [--data-dir DIR] [--config FILE.json] [--demo]");
            await context.Out.WriteLineAsync("  configuration: appsettings.json, then --config, then WARDEN__* environment variables, then flags");
            return 0;
        }

        if (parsed.Positionals.Count > 0)
        {
            throw new CliUsageException($"unexpected argument '{parsed.Positionals[0]}'");
        }

        var configFile = parsed.Get("config");
        if (configFile is not null && !File.Exists(configFile))
        {
            throw new CliUsageException($"config file '{configFile}' not found");
        }

        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (parsed.Get("urls") is { } urls)
        {
            overrides["Warden:Urls"] = urls;
        }

        if (parsed.Get("data-dir") is { } dir)
        {
            overrides["Warden:DataDirectory"] = dir;
        }

        if (parsed.Flag("demo"))
        {
            overrides["Warden:Demo"] = "true";
        }

        WebApplication app;
        try
        {
            app = WardenGatewayHost.Create([], builder =>
            {
                if (configFile is not null)
                {
                    builder.Configuration.AddWatchedJsonFile(configFile);
                    builder.Configuration.AddEnvironmentVariables();
                }

                builder.Configuration.AddInMemoryCollection(overrides);
            });
        }
        catch (WardenConfigurationException ex)
        {
            await context.Error.WriteLineAsync($"warden serve: {ex.Message}");
            return 2;
        }

        await using (app)
        {
            await app.StartAsync(context.Cancellation);
            var info = app.Services.GetRequiredService<WardenStartupInfo>();
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var first = addresses.FirstOrDefault() ?? "http://127.0.0.1:8080";
            await context.Out.WriteLineAsync($"warden: listening on {string.Join(", ", addresses)} (data: {info.DatabasePath})");
            if (info.NewAdminKey is not null)
            {
                await context.Out.WriteLineAsync("warden: created the admin key. It is shown ONCE and only its hash is stored:");
                await context.Out.WriteLineAsync($"  {info.NewAdminKey}");
            }

            if (info.DemoAgentKey is not null)
            {
                await context.Out.WriteLineAsync("warden: demo mode: offline 'echo' provider, demo agent key (new on every --demo start):");
                await context.Out.WriteLineAsync($"  {info.DemoAgentKey}");
                await context.Out.WriteLineAsync("try:");
                await context.Out.WriteLineAsync(
                    $"  curl -s {first}/v1/chat/completions -H 'Authorization: Bearer {info.DemoAgentKey}' -H 'Content-Type: application/json' " +
                    "-d '{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello Warden\"}]}'");
            }

            var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
            try
            {
                await Task.Delay(Timeout.Infinite, CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation, lifetime.ApplicationStopping).Token);
            }
            catch (OperationCanceledException)
            {
            }

            await app.StopAsync(CancellationToken.None);
        }

        await context.Out.WriteLineAsync("warden: stopped");
        return 0;
    }
}
