using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Warden.Gateway.Authentication;
using Warden.Storage.Sqlite;

namespace Warden.Gateway.Hosting;

/// <summary><c>/healthz</c> (process alive) and <c>/readyz</c> (database reachable): the only anonymous endpoints.</summary>
internal static class WardenHealthEndpoints
{
    public static IEndpointRouteBuilder MapWardenHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", static () => Results.Text("ok")).AllowWardenAnonymous();
        endpoints.MapGet("/readyz", static (HttpContext context) =>
        {
            try
            {
                using var connection = context.RequestServices.GetRequiredService<SqliteDatabase>().Open();
                return Results.Text("ready");
            }
#pragma warning disable CA1031 // readiness reports any failure as not ready
            catch (Exception)
#pragma warning restore CA1031
            {
                return Results.Text("database unavailable", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).AllowWardenAnonymous();
        return endpoints;
    }
}
