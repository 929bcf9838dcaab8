using System.Text.Json;
using Warden.Core.Identity;
using Warden.Core.Policy;

namespace Warden.Cli.Commands;

/// <summary><c>warden policy check PATH</c> and <c>warden policy test PATH --request FILE</c> (offline).</summary>
internal sealed class PolicyCommand : ICliCommand
{
    private static readonly string[] ValueOptions = ["request", "expect", .. PolicyRulesCommand.ValueOptions];
    private static readonly string[] Flags = ["help"];

    public string Name => "policy";

    public string Summary => "check a policy file, test a request against it offline, or manage a gateway's stored rules";

    public async Task<int> RunAsync(string[] args, CliContext context)
    {
        var parsed = CliArgs.Parse(args, ValueOptions, Flags);
        if (!parsed.Flag("help") && parsed.Positionals.Count > 0 && PolicyRulesCommand.Handles(parsed.Positionals[0]))
        {
            return await PolicyRulesCommand.RunAsync(parsed, context);
        }

        if (parsed.Flag("help") || parsed.Positionals.Count != 2)
        {
            await context.Out.WriteLineAsync("usage: warden policy check PATH                      (file or directory of *.yaml)");
            await context.Out.WriteLineAsync("       warden policy test PATH --request FILE|- [--expect allow|deny|require-approval|redact]");
            await context.Out.WriteLineAsync("       warden policy rules | get ID | delete ID                (stored rules of a running gateway; WARDEN_ADMIN_KEY, --url)");
            await context.Out.WriteLineAsync("       warden policy set ID --effect allow|deny|require-approval|redact [--when CEL] [--actions a,b] [--description D]");
            await context.Out.WriteLineAsync("                            [--redact t1,t2] [--audit-failure open|closed] [--capture-content true|false]");
            await context.Out.WriteLineAsync("request JSON: {\"action\":\"llm.chat\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"principal\":{\"id\":\"agt_1\",\"kind\":\"agent\",\"agent_type\":\"coder\",");
            await context.Out.WriteLineAsync("               \"on_behalf_of\":\"usr_1\",\"task_id\":\"t1\",\"scopes\":[\"llm:openai/*\"]},\"data\":[\"pii\"],\"attributes\":{\"env\":\"prod\"},\"time\":\"2026-03-02T14:00:00Z\"}");
            return parsed.Flag("help") ? 0 : 2;
        }

        var path = parsed.Positionals[1];
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new CliUsageException($"no such file or directory: {path}");
        }

        PolicySet policy;
        try
        {
            policy = PolicyLoader.Load(PolicyFileSource.ReadFiles(path));
        }
        catch (PolicyValidationException ex)
        {
            foreach (var e in ex.Errors)
            {
                await context.Error.WriteLineAsync(e);
            }

            return 1;
        }

        switch (parsed.Positionals[0])
        {
            case "check":
                await context.Out.WriteLineAsync($"ok: {policy.Rules.Count} rules, version {policy.Version}");
                return 0;
            case "test":
                var requestPath = parsed.Get("request") ?? throw new CliUsageException("--request FILE (or - for stdin) is required");
                var json = requestPath == "-" ? await context.In.ReadToEndAsync(context.Cancellation) : await File.ReadAllTextAsync(requestPath, context.Cancellation);
                var request = ParseRequest(json);
                var e = policy.Explain(request, request.Time ?? TimeProvider.System.GetUtcNow());
                foreach (var r in e.Rules.Where(r => r.Outcome != "skipped"))
                {
                    await context.Out.WriteLineAsync($"  {r.RuleId,-32} {Effect(r.Effect),-16} {r.Outcome}{(r.Detail is null ? string.Empty : ": " + r.Detail)}");
                }

                await context.Out.WriteLineAsync($"{Effect(e.Decision.Effect)} by {e.Decision.RuleId}: {e.Decision.Reason}");
                if (parsed.Get("expect") is { } expected && !string.Equals(expected, Effect(e.Decision.Effect), StringComparison.Ordinal))
                {
                    await context.Error.WriteLineAsync($"warden policy: expected {expected}, got {Effect(e.Decision.Effect)}");
                    return 1;
                }

                return 0;
            default:
                throw new CliUsageException($"unknown sub-command '{parsed.Positionals[0]}' (check, test)");
        }
    }

    internal static PolicyRequest ParseRequest(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var p = root.TryGetProperty("principal", out var pe) && pe.ValueKind == JsonValueKind.Object ? pe : default;
            string? Str(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            string[]? List(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
                ? v.EnumerateArray().Select(x => x.GetString() ?? throw new CliUsageException($"'{name}' must list strings")).ToArray() : null;
            var kind = Str(p, "kind") switch
            {
                null or "agent" => PrincipalKind.Agent,
                "user" => PrincipalKind.User,
                "admin" => PrincipalKind.Admin,
                _ => throw new CliUsageException("principal.kind must be agent, user or admin"),
            };
            var taskId = Str(p, "task_id");
            var principal = new WardenPrincipal(Str(p, "id") ?? "test", kind, Str(p, "id") ?? "test", taskId is null ? "agent_key" : "task_token",
                Str(p, "agent_type"), Str(p, "on_behalf_of"), taskId, null, List(p, "scopes"));
            Dictionary<string, string>? attributes = null;
            if (root.TryGetProperty("attributes", out var a) && a.ValueKind == JsonValueKind.Object)
            {
                attributes = a.EnumerateObject().ToDictionary(x => x.Name, x => x.Value.GetString() ?? throw new CliUsageException("attributes must be strings"));
            }

            DateTimeOffset? time = Str(root, "time") is { } t
                ? DateTimeOffset.Parse(t, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal)
                : null;
            return new PolicyRequest(principal, Str(root, "action") ?? throw new CliUsageException("the request needs an 'action'"),
                Str(root, "provider"), Str(root, "model"), Str(root, "tool"), List(root, "data"), attributes, time);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new CliUsageException("the request is not valid JSON of the documented shape: " + ex.Message);
        }
    }

    private static string Effect(PolicyEffect e) => e switch
    {
        PolicyEffect.Allow => "allow",
        PolicyEffect.RequireApproval => "require-approval",
        PolicyEffect.Redact => "redact",
        _ => "deny",
    };
}
