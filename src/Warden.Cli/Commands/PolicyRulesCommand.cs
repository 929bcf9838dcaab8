using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden policy rules|get|set|delete</c>: the stored policy rules of a running gateway, through its admin API
/// (<c>/admin/policy/rules</c>), so a change is validated whole, audited and reaches every replica.
/// </summary>
internal static class PolicyRulesCommand
{
    public static readonly string[] ValueOptions = ["url", "effect", "description", "actions", "when", "redact", "audit-failure", "capture-content"];

    public static bool Handles(string verb) => verb is "rules" or "get" or "set" or "delete";

    public static async Task<int> RunAsync(CliArgs parsed, CliContext context)
    {
        var verb = parsed.Positionals[0];
        var id = parsed.Positionals.Count > 1 ? parsed.Positionals[1] : null;
        if (verb != "rules" && (id is null || parsed.Positionals.Count != 2))
        {
            throw new CliUsageException($"usage: warden policy {verb} RULE_ID");
        }

        var adminKey = Environment.GetEnvironmentVariable("WARDEN_ADMIN_KEY");
        if (string.IsNullOrEmpty(adminKey))
        {
            throw new CliUsageException("set WARDEN_ADMIN_KEY to the admin key");
        }

        using var http = new HttpClient { BaseAddress = new Uri((parsed.Get("url") ?? "http://127.0.0.1:8080").TrimEnd('/') + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        var path = "admin/policy/rules" + (id is null ? string.Empty : "/" + Uri.EscapeDataString(id));
        using var response = verb switch
        {
            "rules" or "get" => await http.GetAsync(path, context.Cancellation),
            "delete" => await http.DeleteAsync(path, context.Cancellation),
            _ => await http.PutAsJsonAsync(path, Body(parsed), context.Cancellation),
        };
        var text = await response.Content.ReadAsStringAsync(context.Cancellation);
        if (!response.IsSuccessStatusCode)
        {
            var detail = text;
            try
            {
                detail = JsonNode.Parse(text)?["detail"]?.GetValue<string>() ?? text;
            }
            catch (JsonException)
            {
            }

            await context.Error.WriteLineAsync($"warden policy: the gateway answered {(int)response.StatusCode}: {detail}");
            return 1;
        }

        await context.Out.WriteLineAsync(verb == "delete" ? $"deleted rule {id}" : text);
        return 0;
    }

    private static JsonObject Body(CliArgs parsed)
    {
        var effect = parsed.Get("effect") ?? throw new CliUsageException("--effect allow|deny|require-approval|redact is required");
        var body = new JsonObject { ["effect"] = effect };
        if (parsed.Get("description") is { } d)
        {
            body["description"] = d;
        }

        if (parsed.Get("when") is { } w)
        {
            body["when"] = w;
        }

        if (parsed.Get("actions") is { } a)
        {
            body["actions"] = List(a);
        }

        if (parsed.Get("redact") is { } r)
        {
            body["redact"] = List(r);
        }

        if (parsed.Get("audit-failure") is { } f)
        {
            body["audit_failure"] = f;
        }

        if (parsed.Get("capture-content") is { } c)
        {
            body["capture_content"] = c switch
            {
                "true" => true,
                "false" => false,
                _ => throw new CliUsageException("--capture-content must be true or false"),
            };
        }

        return body;
    }

    private static JsonArray List(string csv) =>
        new(csv.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(x => (JsonNode)JsonValue.Create(x)).ToArray());
}
