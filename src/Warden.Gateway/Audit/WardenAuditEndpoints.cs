using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core.Audit;
using Warden.Gateway.Authentication;
using Warden.Gateway.Errors;

namespace Warden.Gateway.Audit;

/// <summary>
/// <c>GET /api/audit</c> (admin): the trail, filtered by <c>agent</c>, <c>user</c>, <c>task</c>,
/// <c>decision</c>, <c>provider</c>, <c>type</c>, <c>from</c>/<c>to</c> (ISO 8601), paged by
/// <c>after</c> (sequence cursor) and <c>limit</c> (1..1000, default 100).
/// </summary>
public static class WardenAuditEndpoints
{
    public static IEndpointRouteBuilder MapWardenAudit(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/audit", QueryAsync).RequireWardenAdmin();
        return endpoints;
    }

    private static async Task QueryAsync(HttpContext context)
    {
        AuditQuery query;
        try
        {
            query = Parse(context.Request.Query);
            query.Validate();
        }
        catch (ArgumentException ex)
        {
            await WardenErrors.WriteAsync(context, 400, "bad_query", ex.Message);
            return;
        }

        var store = context.RequestServices.GetRequiredService<IAuditStore>();
        var rows = await store.QueryAsync(query, context.RequestAborted);
        var records = rows.Select(AuditCanonicalJson.Parse).ToList();
        var page = new AuditApiPage(records, rows.Count == query.Limit ? rows[^1].Sequence : null);
        await Results.Json(page, AuditApiJsonContext.Default.AuditApiPage).ExecuteAsync(context);
    }

    private static AuditQuery Parse(IQueryCollection q)
    {
        foreach (var key in q.Keys)
        {
            if (key is not ("agent" or "user" or "task" or "decision" or "provider" or "type" or "from" or "to" or "after" or "limit"))
            {
                throw new ArgumentException($"unknown query parameter '{key}'");
            }
        }

        return new AuditQuery
        {
            AgentId = One(q, "agent"),
            UserId = One(q, "user"),
            TaskId = One(q, "task"),
            Decision = One(q, "decision"),
            Provider = One(q, "provider"),
            Type = One(q, "type"),
            From = Time(q, "from"),
            To = Time(q, "to"),
            AfterSequence = One(q, "after") is { } a ? Long(a, "after") : 0,
            Limit = One(q, "limit") is { } l ? (int)Math.Min(Long(l, "limit"), int.MaxValue) : 100,
        };
    }

    private static string? One(IQueryCollection q, string key)
    {
        var v = q[key];
        if (v.Count > 1)
        {
            throw new ArgumentException($"'{key}' given more than once");
        }

        return v.Count == 0 || string.IsNullOrEmpty(v[0]) ? null : v[0]!.Length > 256 ? throw new ArgumentException($"'{key}' is too long") : v[0];
    }

    private static long Long(string v, string key) =>
        long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"'{key}' must be a non-negative integer");

    private static DateTimeOffset? Time(IQueryCollection q, string key) =>
        One(q, key) is not { } v ? null
        : DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t
        : throw new ArgumentException($"'{key}' must be an ISO 8601 time");
}
