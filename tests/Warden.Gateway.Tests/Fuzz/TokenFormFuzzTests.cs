using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core.Identity;

namespace Warden.Gateway.Tests.Fuzz;

/// <summary>
/// Seeded fuzzing of <c>POST /oauth/token</c> (RFC 8693 token exchange, a form body): each case breaks a valid exchange
/// in one way (a parameter dropped, repeated or renamed, broken percent-escapes, invalid UTF-8 raw or escaped, control
/// characters, values of the wrong kind, a body over the 64 KiB cap, too many parameters, a name over the form reader's
/// limit, no '=', an empty or garbage body, JSON or a broken multipart body, no content type). Every answer is a 4xx in
/// the OAuth error shape (<c>{"error":"...","error_description":...}</c>, RFC 6749 §5.2) or, for a breakage that may leave
/// a valid exchange, a token; never a 5xx; and a valid exchange still succeeds every 25 cases.
/// </summary>
public sealed class TokenFormFuzzTests(FuzzGateway fx) : IClassFixture<FuzzGateway>
{
    private const int Cases = 200;

    private static readonly string[] Kinds =
    [
        "drop", "repeat", "rename", "bad-percent", "raw-invalid-utf8", "escaped-invalid-utf8", "control", "wrong-value",
        "over-cap", "many-params", "long-name", "no-equals", "empty", "garbage", "json", "multipart", "no-content-type",
    ];

    private static readonly string[] WrongValues =
    [
        "", "x", "-1", "0", "99999999999999999999999", "1e9", "NaN", "urn:ietf:params:oauth:token-type:jwt", "a.b.c", "eyJ.eyJ.sig",
        "llm:", "llm:*:write", "::::", new string('s', 3000), "\u00e9\u4e2d\ud83d\ude00", "null", "[]", "{}",
    ];

    [Theory]
    [InlineData(2101)]
    [InlineData(2102)]
    public async Task MalformedTokenForms_Seeded_Get4xxInTheOAuthShape_AndAValidExchangeStillWorks(int seed)
    {
        var (agentKey, userKey) = await SetUpAsync($"fuzz-{seed}");
        var valid = new List<(string Name, string Value)>
        {
            ("grant_type", TokenExchangeRequest.TokenExchangeGrant),
            ("subject_token", userKey),
            ("subject_token_type", TokenExchangeRequest.ApiKeyType),
            ("actor_token", agentKey),
            ("actor_token_type", TokenExchangeRequest.ApiKeyType),
            ("scope", "llm:openai/gpt-4o-mini"),
            ("task_id", "task-1"),
            ("expires_in", "600"),
        };
        using var client = fx.Gateway.CreateClient();
        var rng = new Random(seed);
        var failures = new List<string>();
        var previous = "nothing";
        for (var i = 0; i < Cases; i++)
        {
            var kind = Kinds[rng.Next(Kinds.Length)];
            var (body, contentType) = Mutate(kind, valid, rng);
            var label = $"seed {seed} case {i} {kind} (after {previous})";
            previous = $"case {i} {kind}";
            var before = fx.Forwarded;
            try
            {
                var (status, responseType, text, _) = await FuzzGateway.SendAsync(client, HttpMethod.Post, "oauth/token", body, contentType);
                var reason = Check((int)status, responseType, text, MustRefuse.Contains(kind));
                if (reason is not null)
                {
                    failures.Add($"{label}: {reason}\n    body: {Preview(body)}\n    answer: {Cut(text)}");
                }
            }
            catch (HttpRequestException ex)
            {
                failures.Add($"{label}: {ex.Message} {ex.InnerException?.Message}\n    body: {Preview(body)}");
            }

            if (fx.Forwarded != before)
            {
                failures.Add($"{label}: a provider received a request");
            }

            if (i % 25 == 24)
            {
                await ProbeAsync(client, valid, failures, previous);
            }
        }

        await ProbeAsync(client, valid, failures, "end");
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join("\n", failures.Take(40)));
    }

    /// <summary>Breakages that leave no valid exchange behind (the others may still be one: a renamed optional parameter, a task id with odd characters).</summary>
    private static readonly HashSet<string> MustRefuse = ["repeat", "over-cap", "many-params", "long-name", "no-equals", "empty", "garbage", "json", "multipart", "no-content-type"];

    /// <summary>The OAuth contract: a 4xx with a string <c>error</c> code in JSON, or (when still valid) a 200 with a token; null when met.</summary>
    private static string? Check(int status, string? contentType, string text, bool mustRefuse)
    {
        if (status == 200 && !mustRefuse)
        {
            return JsonNode.Parse(text)?["access_token"] is JsonValue ? null : "200 without an access_token";
        }

        if (status is < 400 or >= 500)
        {
            return $"status {status}";
        }

        try
        {
            return contentType == "application/json" && JsonNode.Parse(text)?["error"] is JsonValue e && e.TryGetValue<string>(out var code) && code.Length > 0
                ? null : $"{status}: not the OAuth error shape ({contentType})";
        }
        catch (JsonException)
        {
            return $"{status}: error body is not JSON ({contentType})";
        }
    }

    private static (byte[] Body, string? ContentType) Mutate(string kind, List<(string Name, string Value)> valid, Random rng)
    {
        const string Form = "application/x-www-form-urlencoded";
        var pairs = valid.Select(p => (p.Name, Value: Uri.EscapeDataString(p.Value))).ToList();
        var at = rng.Next(pairs.Count);
        switch (kind)
        {
            case "drop":
                pairs.RemoveAt(rng.Next(6)); // one of the parameters an exchange needs
                break;
            case "repeat":
                pairs.Insert(rng.Next(pairs.Count + 1), pairs[at]);
                break;
            case "rename":
                pairs[at] = (pairs[at].Name + new[] { "x", "[]", "%20", "%00", "." }[rng.Next(5)], pairs[at].Value);
                break;
            case "bad-percent":
                pairs[at] = (pairs[at].Name, pairs[at].Value + new[] { "%", "%z", "%zz", "%G1", "%%", "%u00e9" }[rng.Next(6)]);
                break;
            case "escaped-invalid-utf8":
                pairs[at] = (pairs[at].Name, pairs[at].Value + new[] { "%FF", "%C3%28", "%ED%A0%80", "%F4%90%80%80", "%80", "%E2%82" }[rng.Next(6)]);
                break;
            case "control":
                pairs[at] = (pairs[at].Name, pairs[at].Value + new[] { "%00", "%0D%0A", "%1B%5B31m", "%7F", "%09" }[rng.Next(5)]);
                break;
            case "wrong-value":
                pairs[at] = (pairs[at].Name, Uri.EscapeDataString(WrongValues[rng.Next(WrongValues.Length)]));
                break;
            case "over-cap":
                pairs[at] = (pairs[at].Name, new string('a', (64 * 1024) + 1 + rng.Next(4096)));
                break;
            case "many-params":
                pairs.AddRange(Enumerable.Range(0, 1100 + rng.Next(500)).Select(n => ($"p{n}", "1")));
                break;
            case "long-name":
                pairs.Add((new string('k', 2100 + rng.Next(1000)), "1"));
                break;
            case "no-equals":
                return (Encoding.ASCII.GetBytes(string.Join("&", pairs.Select(p => p.Name))), Form);
            case "empty":
                return ([], Form);
            case "garbage":
                var bytes = new byte[1 + rng.Next(300)];
                rng.NextBytes(bytes);
                return (bytes, Form);
            case "json":
                return (Encoding.UTF8.GetBytes(JsonSerializer.Serialize(valid.ToDictionary(p => p.Name, p => p.Value))), "application/json");
            case "multipart":
                var cut = Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\n" + TokenExchangeRequest.TokenExchangeGrant + "\r\n--b\r\nContent-Disposition: form-data; name=\"subject_token\"\r\n\r\nabc");
                return (cut[..rng.Next(1, cut.Length)], "multipart/form-data; boundary=b");
            case "no-content-type":
                return (Encoding.ASCII.GetBytes(Join(pairs)), null);
        }

        var text = Join(pairs);
        if (kind == "raw-invalid-utf8")
        {
            byte[][] bad = [[0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0x80], [0xE2, 0x82]];
            var raw = Encoding.ASCII.GetBytes(text);
            var pos = rng.Next(raw.Length + 1);
            return ([.. raw.AsSpan(0, pos), .. bad[rng.Next(bad.Length)], .. raw.AsSpan(pos)], Form);
        }

        return (Encoding.ASCII.GetBytes(text), Form);
    }

    private static string Join(List<(string Name, string Value)> pairs) => string.Join("&", pairs.Select(p => p.Name + "=" + p.Value));

    private static async Task ProbeAsync(HttpClient client, List<(string Name, string Value)> valid, List<string> failures, string after)
    {
        try
        {
            using var response = await client.PostAsync("oauth/token", new FormUrlEncodedContent(valid.Select(p => new KeyValuePair<string, string>(p.Name, p.Value))));
            if (response.StatusCode != HttpStatusCode.OK)
            {
                failures.Add($"valid exchange after {after}: {(int)response.StatusCode} {Cut(await response.Content.ReadAsStringAsync())}");
            }
        }
        catch (HttpRequestException ex)
        {
            failures.Add($"valid exchange after {after}: {ex.Message} {ex.InnerException?.Message}");
        }
    }

    /// <summary>An agent whose ceiling covers OpenAI and a user with the same rights and an API key.</summary>
    private async Task<(string AgentKey, string UserKey)> SetUpAsync(string name)
    {
        var agentKey = await fx.Gateway.CreateAgentKeyAsync(name);
        var agentId = (await fx.Gateway.App.Services.GetRequiredService<IPrincipalStore>().FindAgentByNameAsync(name, default))!.Id;
        (await fx.Admin.PatchAsJsonAsync($"admin/agents/{agentId}/profile", new { type = "coder", ceiling = new[] { "llm:openai/*" } })).EnsureSuccessStatusCode();
        using var created = await fx.Admin.PostAsJsonAsync("admin/users", new { name = name + "-user", rights = new[] { "llm:openai/*" } });
        created.EnsureSuccessStatusCode();
        var userId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var keyResponse = await fx.Admin.PostAsync($"admin/users/{userId}/keys", null);
        var key = await keyResponse.Content.ReadFromJsonAsync<JsonElement>();
        return (agentKey, key.GetProperty("key").GetString()!);
    }

    private static string Preview(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        return text.Length <= 300 ? text : text[..200] + $"…({text.Length} chars)";
    }

    private static string Cut(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
