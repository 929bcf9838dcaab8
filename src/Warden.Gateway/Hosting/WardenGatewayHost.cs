using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warden.Core.Identity;
using Warden.Gateway.Audit;
using Warden.Gateway.Authentication;
using Warden.Gateway.Detection;
using Warden.Gateway.Errors;
using Warden.Gateway.Identity;
using Warden.Gateway.RateLimiting;
using Warden.Gateway.Proxy;
using Warden.Gateway.Screening;
using Warden.Gateway.Scanner;
using Warden.Storage.Sqlite;

namespace Warden.Gateway.Hosting;

/// <summary>
/// Builds the gateway: <c>warden serve</c> and the functional tests both use <see cref="Create"/>.
/// Engines plug in through DI: register your <c>IPolicyDecisionPoint</c>, <c>IAuditTrail</c>,
/// <c>IPseudonymizer</c> or extra <c>ICredentialAuthenticator</c>s in <c>AddWardenX</c> (called
/// from <see cref="AddEngines"/>, before the defaults, which are only <c>TryAdd</c>ed), and map
/// your endpoints in <c>MapWardenX</c> (called from <see cref="MapEndpoints"/>).
/// </summary>
public static class WardenGatewayHost
{
    /// <summary>
    /// Creates the application (not started). <paramref name="configure"/> runs before the options are
    /// read, so it can add configuration sources and replace services. Throws
    /// <see cref="WardenConfigurationException"/> for invalid configuration.
    /// </summary>
    /// <param name="args">Command-line configuration (usually empty; <c>warden serve</c> passes overrides through <paramref name="configure"/>).</param>
    /// <param name="configure">Adds configuration sources or replaces services.</param>
    /// <param name="mapExtraEndpoints">Maps extra endpoints (tests, embedding hosts); they get the same authentication.</param>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null, Action<IEndpointRouteBuilder>? mapExtraEndpoints = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // The default appsettings reload watches the content root recursively (the data directory included):
            // off, and replaced below by sources that poll just their own file.
            Args = ["--hostBuilder:reloadConfigOnChange=false", .. args],
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        WatchedJsonFile.ReplaceDefaultAppSettings(builder.Configuration, builder.Environment.ContentRootPath);
        configure?.Invoke(builder);

        var guard = ConfigurationFileGuard.Attach(builder.Configuration);
        var options = WardenOptionsLoader.Load(builder.Configuration);
        guard.Started = true;
        CreatePrivateDirectory(options.DataDirectoryFullPath);

        builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
        });

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(guard);
        services.AddSingleton(new WardenStartupInfo { DatabasePath = WardenPaths.Database(options.DataDirectory) });
        services.AddSingleton(_ => new SqliteDatabase(WardenPaths.Database(options.DataDirectory)));
        AddEngines(services, options, builder.Configuration);
        services.AddWardenScanner(builder.Configuration);
        services.AddWardenGatewayCore(options);

        // A body that fails minimal-API binding (a number where a name belongs) throws, so WardenErrorMiddleware answers
        // it in problem+json like every other 400 instead of the framework's empty 400.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        SuppressHostingActivity(builder.Logging);

        var app = builder.Build();
        var info = app.Services.GetRequiredService<WardenStartupInfo>();
        try
        {
            _ = app.Services.GetRequiredService<Providers.ProviderRegistry>(); // keys are encrypted into the store at start-up
        }
        catch (InvalidOperationException ex) when (ex.InnerException is System.Security.Cryptography.CryptographicException)
        {
            throw new WardenConfigurationException([ex.Message]);
        }

        WardenBootstrap.RunAsync(
            app.Services.GetRequiredService<IPrincipalStore>(), options, info,
            app.Services.GetRequiredService<TimeProvider>(), CancellationToken.None).GetAwaiter().GetResult();

        app.UseMiddleware<WardenErrorMiddleware>();
        app.UseRouting();
        app.UseMiddleware<WardenAuditMiddleware>();
        app.UseMiddleware<WardenAuthenticationMiddleware>();
        app.UseMiddleware<Policy.PolicyRefreshMiddleware>();
        app.UseMiddleware<WardenRateLimitMiddleware>();
        mapExtraEndpoints?.Invoke(app);
        MapEndpoints(app);
        return app;
    }

    /// <summary>
    /// ASP.NET Core starts an <see cref="System.Diagnostics.Activity"/> and a log scope for every request as soon as its
    /// hosting logger is enabled at any level, even with no tracer listening: a few microseconds per request for a trace
    /// id nothing reads (Warden exports metrics, not traces, and logs each request itself, event 2010; the host's request
    /// lines were already held back to Warning because they print the raw URL). Registered after the engines so that it
    /// is the rule in force. A host that adds an <c>ActivityListener</c> (tracing) still gets its activities.
    /// </summary>
    internal static void SuppressHostingActivity(ILoggingBuilder logging) =>
        logging.AddFilter(HostingDiagnosticsCategory, LogLevel.None);

    internal const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Engines register here (one line each), before the gateway's defaults.</summary>
    private static void AddEngines(IServiceCollection services, WardenGatewayOptions options, IConfiguration configuration)
    {
        services.AddWardenAudit(options);
        services.AddWardenDetection(configuration);
        services.AddWardenScreening(configuration);
        services.AddWardenIdentity(configuration).AddWardenPolicy().AddWardenRateLimiting();
    }

    /// <summary>Endpoints, one <c>MapWardenX</c> line per feature.</summary>
    private static void MapEndpoints(WebApplication app)
    {
        app.MapWardenHealth();
        app.MapWardenIdentity();
        app.MapWardenGatewayEndpoints();
        app.MapWardenAudit();
        app.MapWardenScrub();
        app.MapWardenScreening();
        app.MapPrometheusScrapingEndpoint("/metrics").RequireWardenPermission("metrics");
        app.MapWardenScanner();
        app.MapFallback(static context => WardenErrors.WriteAsync(context, StatusCodes.Status404NotFound, "not_found", "no such endpoint"));
    }
}
