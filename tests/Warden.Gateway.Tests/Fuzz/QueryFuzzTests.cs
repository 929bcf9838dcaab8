using System.Net;
using System.Text;

namespace Warden.Gateway.Tests.Fuzz;

/// <summary>
/// Seeded fuzzing of what travels in the URL: <c>GET /api/audit</c>'s query (unknown and repeated keys, bad times,
/// limits and cursors out of range or not numbers, broken percent-escapes, escaped invalid UTF-8 and control
/// characters, over-long values, hundreds of parameters) and the ids in the admin API's routes (escaped slashes, dots,
/// NULs, invalid UTF-8, over-long). Every answer is a 2xx or a 4xx problem+json, never a 5xx, and a valid query still
/// works every 25 cases. (A NUL in the path is refused by Kestrel itself with a bare 400 while it parses the request
/// line, before any middleware: that one is only checked for the status.)
/// </summary>
public sealed class QueryFuzzTests(FuzzGateway fx) : IClassFixture<FuzzGateway>
{
    private const int Cases = 200;

    private static readonly string[] Keys = ["agent", "user", "task", "decision", "provider", "type", "from", "to", "after", "limit"];

    private static readonly string[] Values =
    [
        "", "x", "-1", "0", "1", "1000", "1001", "99999999999999999999999", "1e3", "0x10", "+5", " 5", "5 ", "NaN", "yesterday",
        "2026-13-40", "2026-01-01", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00+25:00", "9999-12-31T23:59:59Z", "0001-01-01",
        "allow", "deny", "gateway.request", "%FF", "%C3%28", "%ED%A0%80", "%00", "%0D%0A", "%", "%zz", "%u00e9", "a%2Fb", "..%2F..",
        "%E2%98%83", "%F0%9F%98%80",
    ];

    [Theory]
    [InlineData(2201)]
    [InlineData(2202)]
    public async Task MalformedAuditQueries_Seeded_Get200Or4xxProblemJson_AndTheApiKeepsServing(int seed)
    {
        var rng = new Random(seed);
        var failures = new List<string>();
        for (var i = 0; i < Cases; i++)
        {
            // Hundreds of short parameters, or a few of any kind; either stays under Kestrel's 8 KiB request line (a longer
            // one is refused by Kestrel itself with a bare 414, before any middleware runs).
            var query = rng.Next(6) == 0
                ? string.Join("&", Enumerable.Range(0, 200 + rng.Next(600)).Select(_ => Keys[rng.Next(Keys.Length)][..1] + "=" + rng.Next(10)))
                : string.Join("&", Enumerable.Range(0, 1 + rng.Next(4)).Select(_ => Parameter(rng)));
            await CheckAsync(HttpMethod.Get, "api/audit?" + query, $"seed {seed} case {i}", failures);
            if (i % 25 == 24)
            {
                await ProbeAsync(failures, $"seed {seed} case {i}");
            }
        }

        await ProbeAsync(failures, "end");
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join("\n", failures.Take(40)));
    }

    private static readonly (HttpMethod Method, string Path)[] Routes =
    [
        (HttpMethod.Get, "admin/users/{id}"), (HttpMethod.Put, "admin/users/{id}/rights"), (HttpMethod.Post, "admin/users/{id}/keys"),
        (HttpMethod.Post, "admin/users/{id}/disable"), (HttpMethod.Get, "admin/agents/{id}/profile"), (HttpMethod.Patch, "admin/agents/{id}/profile"),
        (HttpMethod.Delete, "admin/agents/{id}"), (HttpMethod.Get, "admin/policy/rules/{id}"), (HttpMethod.Put, "admin/policy/rules/{id}"),
        (HttpMethod.Delete, "admin/policy/rules/{id}"), (HttpMethod.Put, "admin/providers/{id}/key"), (HttpMethod.Delete, "admin/providers/{id}/key"),
    ];

    private static readonly string[] Ids =
    [
        "nope", "usr_x", "agt_x", "%00", "%FF", "%C3%28", "%2F", "%2E%2E", "..", "a%2Fb", "%0D%0Aset-cookie:x", "%E2%98%83", "%20", "-",
        "openai", "anthropic", "a.b", "%25", "x%3Fy%3Dz", "%ED%A0%80",
    ];

    [Theory]
    [InlineData(2301)]
    public async Task MalformedAdminRouteIds_Seeded_Get2xxOr4xxProblemJson_NeverA5xx(int seed)
    {
        var rng = new Random(seed);
        var failures = new List<string>();
        for (var i = 0; i < Cases; i++)
        {
            var (method, template) = Routes[rng.Next(Routes.Length)];
            var id = rng.Next(8) == 0 ? new string('i', 300 + rng.Next(3000)) : Ids[rng.Next(Ids.Length)];
            var body = method == HttpMethod.Get || method == HttpMethod.Delete ? null : """{"rights":["llm.chat"],"key":"sk-fuzz","effect":"deny","actions":["x.y"],"owner":"o"}""";
            await CheckAsync(method, template.Replace("{id}", id, StringComparison.Ordinal), $"seed {seed} case {i}", failures, body);
            if (i % 25 == 24)
            {
                await ProbeAsync(failures, $"seed {seed} case {i}");
            }
        }

        await ProbeAsync(failures, "end");
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join("\n", failures.Take(40)));
    }

    private static string Parameter(Random rng)
    {
        var key = rng.Next(8) switch
        {
            0 => new[] { "bogus", "LIMIT", "limit[]", "%FF", "%00", "", "a%3Db" }[rng.Next(7)],
            1 => new string('k', 300),
            _ => Keys[rng.Next(Keys.Length)],
        };
        var value = rng.Next(10) == 0 ? new string('v', 200 + rng.Next(200)) : Values[rng.Next(Values.Length)];
        return rng.Next(12) == 0 ? key : key + "=" + value;
    }

    private async Task CheckAsync(HttpMethod method, string pathAndQuery, string label, List<string> failures, string? body = null)
    {
        HttpStatusCode status;
        string? contentType;
        string text;
        var before = fx.Forwarded;
        try
        {
            using var request = new HttpRequestMessage(method, new Uri(pathAndQuery, UriKind.Relative));
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            using var response = await fx.Admin.SendAsync(request);
            (status, contentType, text) = (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException ex)
        {
            failures.Add($"{label} {method} {Cut(pathAndQuery)}: {ex.Message} {ex.InnerException?.Message}");
            return;
        }

        var code = (int)status;
        var path = pathAndQuery.Split('?')[0];
        string? reason = code >= 500 || code < 200 || code is >= 300 and < 400 ? $"status {code}"
            : code >= 400 && path.Contains("%00", StringComparison.Ordinal) ? (code == 400 ? null : $"NUL in the path: {code}, not Kestrel's 400")
            : code >= 400 ? FuzzGateway.CheckErrorShape(path, code, contentType, text)
            : null;
        if (fx.Forwarded != before)
        {
            reason = "a provider received a request";
        }

        if (reason is not null)
        {
            failures.Add($"{label} {method} {Cut(pathAndQuery)}: {reason}\n    answer: {Cut(text)}");
        }
    }

    private async Task ProbeAsync(List<string> failures, string after)
    {
        using var response = await fx.Admin.GetAsync("api/audit?limit=1");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            failures.Add($"valid audit query after {after}: {(int)response.StatusCode} {Cut(await response.Content.ReadAsStringAsync())}");
        }
    }

    private static string Cut(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
