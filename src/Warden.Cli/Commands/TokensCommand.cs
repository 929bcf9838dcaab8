using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden tokens revoke --kind token|task|agent|user --id ID</c>, through the running gateway's admin API, so
/// the revocation reaches every replica (and Redis) on the very next request.
/// </summary>
internal sealed class TokensCommand : ICliCommand
{
    private static readonly string[] ValueOptions = ["kind", "id", "url", "until"];
    private static readonly string[] Flags = ["help"];

    public string Name => "tokens";

    public string Summary => "revoke a task token (jti), a task, an agent or a user on a running gateway";

    public async Task<int> RunAsync(string[] args, CliContext context)
    {
        var parsed = CliArgs.Parse(args, ValueOptions, Flags);
        if (parsed.Flag("help") || parsed.Positionals is not ["revoke"])
        {
            await context.Out.WriteLineAsync("usage: warden tokens revoke --kind token|task|agent|user --id ID [--until RFC3339] [--url http://127.0.0.1:8080]");
            await context.Out.WriteLineAsync("       the admin key is read from WARDEN_ADMIN_KEY");
            return parsed.Flag("help") ? 0 : 2;
        }

        var kind = parsed.Get("kind") is "token" or "task" or "agent" or "user" ? parsed.Get("kind")! : throw new CliUsageException("--kind must be token, task, agent or user");
        var id = parsed.Get("id") is { Length: > 0 } i ? i : throw new CliUsageException("--id is required");
        DateTimeOffset? until = parsed.Get("until") is { } u
            ? DateTimeOffset.TryParse(u, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : throw new CliUsageException("--until must be an RFC 3339 time")
            : null;
        var adminKey = Environment.GetEnvironmentVariable("WARDEN_ADMIN_KEY");
        if (string.IsNullOrEmpty(adminKey))
        {
            throw new CliUsageException("set WARDEN_ADMIN_KEY to the admin key");
        }

        using var http = new HttpClient { BaseAddress = new Uri((parsed.Get("url") ?? "http://127.0.0.1:8080").TrimEnd('/') + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        using var response = await http.PostAsJsonAsync("admin/revocations", new Dictionary<string, object?> { ["kind"] = kind, ["id"] = id, ["until"] = until }, context.Cancellation);
        if (!response.IsSuccessStatusCode)
        {
            await context.Error.WriteLineAsync($"warden tokens: the gateway answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(context.Cancellation)}");
            return 1;
        }

        await context.Out.WriteLineAsync($"revoked {kind} {id}{(until is null ? string.Empty : " until " + until.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}");
        return 0;
    }
}
