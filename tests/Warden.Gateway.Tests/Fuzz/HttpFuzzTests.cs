using System.Net;
using System.Text.Json.Nodes;

namespace Warden.Gateway.Tests.Fuzz;

/// <summary>
/// Seeded fuzzing of every JSON endpoint against real Kestrel: each case breaks one valid request in one way (invalid
/// UTF-8, lone surrogate escapes, truncation, nesting past the reader's limit, huge numbers, duplicate names, a wrong
/// type at any field path, control characters, bodies near and over the cap, empty, wrong content type). Every answer
/// is a 4xx in the caller's error shape (or a 2xx/502 for a request that is still valid), never a 500; a refused request
/// reaches no provider; and the gateway keeps answering a valid request. Reproduce a failure from the seed and case index
/// in its label.
/// </summary>
public sealed class HttpFuzzTests(FuzzGateway fx) : IClassFixture<FuzzGateway>
{
    private const int Cases = 200;

    [Theory]
    [InlineData("scrub", 1101)]
    [InlineData("screen", 1201)]
    [InlineData("chat", 1301)]
    [InlineData("messages", 1401)]
    [InlineData("embeddings", 1451)]
    [InlineData("proxy", 1501)]
    [InlineData("openclaw-scan", 1601)]
    [InlineData("admin", 1701)]
    public async Task MalformedRequests_Seeded_Get4xxInTheCallersShape_ReachNoProvider_AndTheGatewayKeepsServing(string target, int seed)
    {
        var t = FuzzTarget.Get(target);
        var client = t.AsAdmin ? fx.Admin : fx.Agent;
        var ids = await IdsAsync();
        var fuzzer = new JsonFuzzer(seed, FuzzGateway.BodyCap);
        var rng = new Random(seed);
        var failures = new List<string>();
        var previous = "";
        for (var i = 0; i < Cases; i++)
        {
            var (method, pathTemplate, json) = t.Templates[rng.Next(t.Templates.Count)];
            var path = pathTemplate.Replace("{user}", ids.User, StringComparison.Ordinal).Replace("{agent}", ids.Agent, StringComparison.Ordinal);
            var c = fuzzer.Next(FuzzTarget.Parse(json), i);
            var before = fx.Forwarded;
            HttpStatusCode status;
            string? contentType;
            string body;
            string? source;
            try
            {
                (status, contentType, body, source) = await FuzzGateway.SendAsync(client, method, path, c.Body, c.ContentType);
            }
            catch (HttpRequestException ex)
            {
                failures.Add($"{path} {c.Label}: {ex.Message} {ex.InnerException?.Message} (after {previous})\n    body: {c.Preview}");
                previous = c.Label + " -> exception";
                continue;
            }

            var forwarded = fx.Forwarded - before;
            var code = (int)status;
            string? reason = null;
            var upstream = forwarded > 0 && (source == "upstream" || code == 502);
            if (code >= 500 && !upstream)
            {
                reason = $"status {code}";
            }
            else if (t.MustRefuse(c) && (code is < 400 or >= 500 || forwarded > 0))
            {
                reason = $"invalid request accepted with {code}, {forwarded} request(s) reached a provider";
            }
            else if (code is >= 400 and < 500 && forwarded > 0 && !upstream)
            {
                reason = $"refused with {code} but {forwarded} request(s) reached a provider";
            }
            else if (code >= 400 && FuzzGateway.CheckErrorShape(path, code, contentType, body) is { } shape)
            {
                reason = $"{code}: {shape} ({contentType}) {body}";
            }

            previous = $"{c.Label} -> {code}";
            if (reason is not null)
            {
                failures.Add($"{path} {c.Label}: {reason}\n    body: {c.Preview}\n    answer: {Cut(body)}");
            }

            if (i % 25 == 24)
            {
                await ProbeAsync(t, client, failures, c.Label);
            }
        }

        await ProbeAsync(t, client, failures, "end");
        Assert.True(failures.Count == 0, $"{failures.Count} of {Cases} cases failed:\n" + string.Join("\n", failures.Take(40)));
    }

    private static string Cut(string s) => s.Length <= 300 ? s : s[..300] + "…";

    private async Task ProbeAsync(FuzzTarget t, HttpClient client, List<string> failures, string after)
    {
        var (method, path, json) = t.Probe;
        var (status, _, body, _) = await FuzzGateway.SendAsync(client, method, path, json is null ? [] : FuzzGateway.Utf8(json), json is null ? null : "application/json");
        if ((int)status is < 200 or >= 300)
        {
            failures.Add($"valid request after {after}: {(int)status} {Cut(body)}");
        }
    }

    private async Task<(string User, string Agent)> IdsAsync()
    {
        var (_, _, user, _) = await FuzzGateway.SendAsync(fx.Admin, HttpMethod.Post, "admin/users", FuzzGateway.Utf8($$"""{"name":"fuzz-{{Guid.NewGuid():N}}"}"""), "application/json");
        var (_, _, agent, _) = await FuzzGateway.SendAsync(fx.Admin, HttpMethod.Post, "admin/agents", FuzzGateway.Utf8($$"""{"name":"fuzz-{{Guid.NewGuid():N}}"}"""), "application/json");
        return ((string)JsonNode.Parse(user)!["id"]!, (string)JsonNode.Parse(agent)!["id"]!);
    }
}
