using System.Text;
using System.Text.Json.Nodes;
using Warden.Core.Detection;
using Warden.Core.Pseudonymization;
using Warden.Gateway.Errors;
using Warden.Gateway.Proxy;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>
/// The one-pass scrub of same-dialect request bodies against the DOM path it replaces (<see cref="Scrubbing.Protect"/> on
/// a parsed body, then <c>model</c> and <c>stream_options</c> set): same JSON, same surrogates, same finding counts.
/// </summary>
public sealed class ScrubRewriterTests
{
    private const string Email = "jane.doe@example.com";
    private const string Card = "4111 1111 1111 1111";
    private const string Phone = "+1 (415) 555-0132";

    private static readonly Pseudonymizer Vault = new(new DetectionEngine(), TimeProvider.System);

    public static TheoryData<string> Bodies => new()
    {
        // plain chat, whitespace kept
        $$"""{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Escalate to {{Email}}."},{"role":"user","content":"My card is {{Card}}, call {{Phone}}"}]}""",
        // pretty-printed, stream, unrelated members around and inside messages
        $$"""
        {
          "temperature": 0.2, "model" : "gpt-4o-mini",
          "messages": [ { "name": "x", "role": "user", "content": "mail {{Email}} now", "extra": {"content": "{{Card}}"} } ],
          "stream": true, "metadata": {"messages": [{"content": "{{Email}}"}]}
        }
        """,
        // escaped strings: \u escapes, quotes, backslashes, non-ASCII, a surrogate inside an escaped text
        """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Caf\u00e9 \"quoted\" back\\slash jane.doe\u0040example.com \ud83d\ude00 tab\t end"}]}""",
        // content parts and tool-call arguments
        $$$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":[{"type":"text","text":"card {{{Card}}}"},{"type":"image_url","image_url":{"url":"https://x/{{{Email}}}"}},{"type":"text","text":"no pii here"}]},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"send","arguments":"{\"to\":\"{{{Email}}}\"}"}}]},{"role":"tool","tool_call_id":"c1","content":"sent to {{{Email}}}"}]}""",
        // existing stream_options is replaced, model escaped (DOM fallback for the model splice)
        $$"""{"model":"gpt\u002d4o-mini","stream":true,"stream_options":{"include_usage":false,"x":[1,2]},"messages":[{"role":"user","content":"{{Email}}"}]}""",
        // embeddings: a string input and an array input
        $$"""{"model":"text-embedding-3-small","input":"write {{Email}}"}""",
        $$"""{"input":["write {{Email}}", 42, "call {{Phone}}", [1, 2]],"model":"text-embedding-3-small"}""",
        // nulls where text may be
        """{"model":"gpt-4o-mini","messages":[{"role":"assistant","content":null,"tool_calls":null},{"role":"user","content":[{"type":"text","text":null}]}]}""",
        // nothing to protect
        """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello there, how are you today?"}]}""",
    };

    /// <summary>Shapes of scrubbed fields that neither path can walk: both refuse with 400 (never forward them unscrubbed).</summary>
    public static TheoryData<string> UnwalkableBodies => new()
    {
        $$"""{"input":["write {{Email}}", {"x":"{{Card}}"}],"model":"text-embedding-3-small"}""",
        $$"""{"model":"gpt-4o-mini","messages":[1,"{{Email}}"]}""",
        $$"""{"model":"gpt-4o-mini","messages":[{"content":7}]}""",
        $$$"""{"model":"gpt-4o-mini","messages":[{"content":{"text":"{{{Email}}}"}}]}""",
        $$"""{"model":"gpt-4o-mini","messages":[{"content":[{"text":5}]}]}""",
        $$"""{"model":"gpt-4o-mini","messages":[{"content":["{{Card}}"]}]}""",
        $$$$"""{"model":"gpt-4o-mini","messages":[{"tool_calls":{"function":{"arguments":"{{{{Email}}}}"}}}]}""",
        $$"""{"model":"gpt-4o-mini","messages":[{"tool_calls":[{"function":"{{Email}}"}]}]}""",
        $$"""{"model":"gpt-4o-mini","messages":[{"tool_calls":["{{Email}}"]}]}""",
        $$$$"""{"model":"gpt-4o-mini","messages":[{"tool_calls":[{"function":{"arguments":{"to":"{{{{Email}}}}"}}}]}]}""",
    };

    [Theory]
    [MemberData(nameof(UnwalkableBodies))]
    public void Protect_ShapeScrubbingCannotWalk_BothPathsRefuseWith400(string body)
    {
        var dom = Assert.Throws<WardenHttpException>(() => Scrubbing.Protect((JsonObject)JsonNode.Parse(body)!, Vault.OpenSession()));
        var onePass = Assert.Throws<WardenHttpException>(() => ScrubRewriter.Protect(Encoding.UTF8.GetBytes(body), Vault.OpenSession()));
        Assert.Equal(400, dom.StatusCode);
        Assert.Equal(400, onePass.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Protect_SameAsDomPath_ForEveryTargetShape(string body)
    {
        foreach (var (model, stream) in new[] { ("gpt-4o-mini", false), ("gpt-4o-mini", true), ("gpt-4o-2024-08-06 \"x\" é", false), ("other", true) })
        {
            var expectedSession = Vault.OpenSession();
            var expected = (JsonObject)JsonNode.Parse(body)!;
            Scrubbing.Protect(expected, expectedSession);
            expected["model"] = model;
            if (stream)
            {
                expected["stream_options"] = new JsonObject { ["include_usage"] = true };
            }

            var session = Vault.OpenSession();
            var rewriter = ScrubRewriter.Protect(Encoding.UTF8.GetBytes(body), session);
            var callerModel = (string?)JsonNode.Parse(body)!["model"];
            if (rewriter.ForTarget(model, callerModel, stream) is not { } bytes)
            {
                // The splice is refused only when a key is escaped or repeated; the DOM then runs on the scrubbed bytes.
                Assert.True(body.Contains("\\u002d", StringComparison.Ordinal), body);
                var dom = (JsonObject)JsonNode.Parse(rewriter.Body.Span)!;
                dom["model"] = model;
                if (stream)
                {
                    dom["stream_options"] = new JsonObject { ["include_usage"] = true };
                }

                bytes = Encoding.UTF8.GetBytes(dom.ToJsonString());
            }

            var actual = JsonNode.Parse(bytes.Span)!;
            Assert.True(JsonNode.DeepEquals(expected, actual), $"{expected.ToJsonString()}\n{actual.ToJsonString()}");
            Assert.Equal(expectedSession.FindingCounts.OrderBy(p => p.Key), session.FindingCounts.OrderBy(p => p.Key));

            var sent = Encoding.UTF8.GetString(bytes.Span);
            foreach (var secret in new[] { Email, "jane.doe\\u0040example.com", Card, Phone })
            {
                if (!body.Contains("metadata", StringComparison.Ordinal) && !body.Contains("image_url", StringComparison.Ordinal) && !body.Contains("[1,", StringComparison.Ordinal) && !body.Contains("{\"x\":", StringComparison.Ordinal))
                {
                    Assert.DoesNotContain(secret, sent, StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public void Protect_RepeatedContentKey_EveryOccurrenceScrubbed()
    {
        var body = $$"""{"model":"m","messages":[{"role":"user","content":"a {{Email}}","content":"b {{Card}}"}]}""";
        var rewriter = ScrubRewriter.Protect(Encoding.UTF8.GetBytes(body), Vault.OpenSession());
        var sent = Encoding.UTF8.GetString(rewriter.Body.Span);
        Assert.DoesNotContain(Email, sent, StringComparison.Ordinal);
        Assert.DoesNotContain(Card, sent, StringComparison.Ordinal);
        Assert.Contains("\"content\":\"a <EMAIL_ADDRESS_1>\"", sent, StringComparison.Ordinal);
    }

    [Fact]
    public void ForTarget_RepeatedStreamOptions_LeftToTheDom()
    {
        var body = """{"model":"m","stream":true,"stream_options":{},"stream_options":{}}""";
        var rewriter = ScrubRewriter.Protect(Encoding.UTF8.GetBytes(body), Vault.OpenSession());
        Assert.Null(rewriter.ForTarget("m", "m", includeUsage: true));
        Assert.NotNull(rewriter.ForTarget("m", "m", includeUsage: false));
    }

    [Fact]
    public void Protect_NothingFound_BytesUnchanged()
    {
        var body = "{ \"model\" : \"m\",\n \"messages\": [ {\"role\":\"user\",\"content\":\"caf\\u00e9 and nothing else\"} ] }";
        var rewriter = ScrubRewriter.Protect(Encoding.UTF8.GetBytes(body), Vault.OpenSession());
        Assert.Equal(body, Encoding.UTF8.GetString(rewriter.Body.Span));
        Assert.Equal(body, Encoding.UTF8.GetString(rewriter.ForTarget("m", "m", includeUsage: false)!.Value.Span));
    }

    [Fact]
    public void ForTarget_ModelAfterStreamOptions_BothSpliced()
    {
        var body = """{"stream_options":{"include_usage":false},"messages":[],"model":"a","stream":true}""";
        var rewriter = ScrubRewriter.Protect(Encoding.UTF8.GetBytes(body), Vault.OpenSession());
        Assert.Equal("""{"stream_options":{"include_usage":true},"messages":[],"model":"bb","stream":true}""",
            Encoding.UTF8.GetString(rewriter.ForTarget("bb", "a", includeUsage: true)!.Value.Span));
        Assert.Equal("""{"stream_options":{"include_usage":false},"messages":[],"model":"bb","stream":true}""",
            Encoding.UTF8.GetString(rewriter.ForTarget("bb", "a", includeUsage: false)!.Value.Span));
        var appended = ScrubRewriter.Protect("""{"model":"a" , "stream":true }"""u8, Vault.OpenSession());
        Assert.Equal("""{"model":"bb" , "stream":true ,"stream_options":{"include_usage":true}}""",
            Encoding.UTF8.GetString(appended.ForTarget("bb", "a", includeUsage: true)!.Value.Span));
    }
}
