using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warden.Core.Identity;
using Warden.Gateway.Hosting;

namespace Warden.Gateway.Tests.Infrastructure;

/// <summary>
/// A real gateway on Kestrel, 127.0.0.1 port 0, with its own temporary data directory and a log
/// sink that captures every formatted log line (for canary checks).
/// </summary>
public sealed class GatewayFixture : IAsyncDisposable
{
    private bool _ownsDataDirectory;

    private GatewayFixture(WebApplication app, string dataDirectory, CapturingLoggerProvider logs)
    {
        App = app;
        DataDirectory = dataDirectory;
        Logs = logs;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
        Info = app.Services.GetRequiredService<WardenStartupInfo>();
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    public CapturingLoggerProvider Logs { get; }

    public WardenStartupInfo Info { get; }

    public static async Task<GatewayFixture> StartAsync(
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        Action<IEndpointRouteBuilder>? endpoints = null,
        string? dataDirectory = null,
        Action<IConfigurationBuilder>? configuration = null)
    {
        var dir = dataDirectory ?? Path.Combine(Path.GetTempPath(), "warden-gw-" + Guid.NewGuid().ToString("N"));
        var logs = new CapturingLoggerProvider();
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Warden:Urls"] = "http://127.0.0.1:0",
            ["Warden:DataDirectory"] = dir,
        };
        if (settings is not null)
        {
            foreach (var (k, v) in settings)
            {
                all[k] = v;
            }
        }

        var app = WardenGatewayHost.Create([], b =>
        {
            b.Configuration.AddInMemoryCollection(all);
            configuration?.Invoke(b.Configuration);
            b.Logging.ClearProviders();
            b.Logging.SetMinimumLevel(LogLevel.Trace);
            b.Logging.AddProvider(logs);
            services?.Invoke(b.Services);
        }, endpoints);
        await app.StartAsync();
        return new GatewayFixture(app, dir, logs) { _ownsDataDirectory = dataDirectory is null };
    }

    public async Task<string> CreateAgentKeyAsync(string name)
    {
        var store = App.Services.GetRequiredService<IPrincipalStore>();
        var key = ApiKeys.Generate(ApiKeys.AgentPrefix);
        await store.CreateAgentAsync(new AgentRecord(WardenBootstrap.NewAgentId(), name, DateTimeOffset.UtcNow), ApiKeys.Hash(key), CancellationToken.None);
        return key;
    }

    public HttpClient CreateClient(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>
    /// Every byte of every file under the data directory, as Latin-1 text (for grep-style checks). SQLite removes its
    /// <c>-shm</c> and <c>-wal</c> files when the last connection closes, which can happen between the listing and the open:
    /// a file that is gone by then holds nothing any more and is skipped (its content went into the database file, which is read).
    /// </summary>
    public string ReadAllDataFiles()
    {
        var sb = new System.Text.StringBuilder();
        foreach (var f in Directory.EnumerateFiles(DataDirectory, "*", SearchOption.AllDirectories))
        {
            FileStream fs;
            try
            {
                fs = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (FileNotFoundException) when (f.EndsWith("-shm", StringComparison.Ordinal) || f.EndsWith("-wal", StringComparison.Ordinal))
            {
                continue;
            }

            using (fs)
            {
                using var ms = new MemoryStream();
                fs.CopyTo(ms);
                sb.Append(System.Text.Encoding.Latin1.GetString(ms.ToArray()));
            }
        }

        return sb.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            if (!_ownsDataDirectory)
            {
                return;
            }

            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
