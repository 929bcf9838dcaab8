using System.Text;
using System.Text.Json.Nodes;
using Warden.Core.Audit;
using Warden.Core.Detection;
using Warden.Core.Pseudonymization;
using Warden.Gateway.Errors;
using Warden.Gateway.Proxy;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>
/// Every string of a request is scrubbed but the structural allowlist (<see cref="ScrubRules"/>), in the one-pass rewrite
/// and the DOM path alike: the same JSON, surrogates and finding counts for every target shape and end-user id mode, on
/// hand-written shapes with a canary in each new place and on generated shapes.
/// </summary>
public sealed class ScrubCoverageTests
{
    private const string Email = "jane.doe@example.com";
    private const string Card = "4111 1111 1111 1111";
    private const string Phone = "+1 (415) 555-0132";

    /// <summary>Base64 with a card number inside: detection finds it as text (see <see cref="Protect_BinaryPayload_KeptVerbatim_SameTextElsewhereScrubbed"/>).</summary>
    private const string Base64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB 4111 1111 1111 1111";

    private static readonly Pseudonymizer Vault = new(new DetectionEngine(), TimeProvider.System);
    private static readonly EndUserIdHasher Hasher = new(AuditContentKeys.Generate());

    private const string Msgs = $$$$$$"""[{"role":"user","content":"hi"}]""";

    /// <summary>A canary (e-mail, card or phone) in each place scrubbing did not reach before.</summary>
    public static TheoryData<string> NewPlaces => new()
    {
        // OpenAI: tool definitions and their JSON Schema (descriptions, enum, const, default, examples, nested, $defs, anyOf)
        $$$$$$"""{"model":"m","messages":{{{{{{Msgs}}}}}},"tools":[{"type":"function","function":{"name":"send_mail","description":"Mail {{{{{{Email}}}}}} only","strict":true,"parameters":{"type":"object","required":["to"],"properties":{"to":{"type":"string","format":"email","description":"default {{{{{{Email}}}}}}","enum":["{{{{{{Email}}}}}}","x"],"default":"{{{{{{Phone}}}}}}"},"n":{"type":["array","null"],"items":{"$ref":"#/$defs/c","description":"card {{{{{{Card}}}}}}"}},"k":{"anyOf":[{"const":"{{{{{{Email}}}}}}"},{"type":"integer","examples":["{{{{{{Phone}}}}}}"]}]}},"$defs":{"c":{"title":"{{{{{{Email}}}}}}","type":"string"}}}}}]}""",
        // response_format json_schema, legacy functions, tool_choice object
        $$$$$$"""{"model":"m","messages":{{{{{{Msgs}}}}}},"response_format":{"type":"json_schema","json_schema":{"name":"reply","description":"for {{{{{{Email}}}}}}","schema":{"type":"object","properties":{"a":{"type":"string","description":"{{{{{{Card}}}}}}"}}}}},"functions":[{"name":"f","description":"{{{{{{Phone}}}}}}","parameters":{"type":"object"}}],"tool_choice":{"type":"function","function":{"name":"send_mail"}}}""",
        // metadata (nested), stop, prediction, unknown future fields at any depth, a message's name and refusal
        $$$$$$"""{"model":"m","messages":[{"role":"user","name":"{{{{{{Email}}}}}}","content":"hi","x_future":{"deep":[["{{{{{{Card}}}}}}"]]}},{"role":"assistant","refusal":"{{{{{{Phone}}}}}}","content":null}],"metadata":{"ticket":"{{{{{{Email}}}}}}","nested":{"a":["{{{{{{Card}}}}}}",{"b":"{{{{{{Phone}}}}}}"}]}},"stop":["{{{{{{Email}}}}}}","END"],"prediction":{"type":"content","content":"{{{{{{Card}}}}}}"},"x_new_field":{"note":"{{{{{{Email}}}}}}"},"web_search_options":{"user_location":{"type":"approximate","approximate":{"city":"{{{{{{Phone}}}}}}"}}}}""",
        // end-user ids: stripped, hashed or passed (scrubbed) per mode
        $$$$$$"""{"model":"m","user":"{{{{{{Email}}}}}}","messages":{{{{{{Msgs}}}}}},"safety_identifier":"{{{{{{Email}}}}}}","metadata":{"user_id":"{{{{{{Email}}}}}}","k":"v"}}""",
        $$$$$$"""{"user":"{{{{{{Email}}}}}}","safety_identifier":null,"model":"m","messages":{{{{{{Msgs}}}}}} }""",
        $$$$$$"""{"model":"m","messages":{{{{{{Msgs}}}}}},"metadata":{"user_id":"{{{{{{Email}}}}}}"} , "user" : "{{{{{{Phone}}}}}}" }""",
        // Anthropic shapes: system as string and as blocks, tool_use input, tool_result as string and as blocks, documents, tools
        $$$$$$"""{"model":"c","system":"Escalate to {{{{{{Email}}}}}}","messages":[{"role":"user","content":"hi"}],"max_tokens":5}""",
        $$$$$$"""{"model":"c","system":[{"type":"text","text":"Escalate to {{{{{{Email}}}}}}","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"send_mail","input":{"to":"{{{{{{Email}}}}}}","cc":["{{{{{{Phone}}}}}}"]}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sent to {{{{{{Email}}}}}}"},{"type":"tool_result","tool_use_id":"toolu_2","is_error":true,"content":[{"type":"text","text":"card {{{{{{Card}}}}}}"}]}]}],"tools":[{"name":"send_mail","description":"mails {{{{{{Email}}}}}}","input_schema":{"type":"object","properties":{"to":{"type":"string","description":"{{{{{{Phone}}}}}}"}}}}],"tool_choice":{"type":"tool","name":"send_mail"},"metadata":{"user_id":"{{{{{{Email}}}}}}"},"stop_sequences":["{{{{{{Email}}}}}}"],"max_tokens":5}""",
        $$$$$$"""{"model":"c","messages":[{"role":"user","content":[{"type":"document","source":{"type":"text","media_type":"text/plain","data":"Contract for {{{{{{Email}}}}}}"},"title":"{{{{{{Card}}}}}}"},{"type":"thinking","thinking":"call {{{{{{Phone}}}}}}","signature":"sig"}]}],"max_tokens":5}""",
        // images: an http URL that carries an e-mail is scrubbed, base64 in a media field is not text
        $$$$$$"""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://img.example/{{{{{{Email}}}}}}.png","detail":"low"}},{"type":"file","file":{"filename":"{{{{{{Email}}}}}}.pdf","file_id":"file_1"}}]}]}""",
        // embeddings with a user
        $$$$$$"""{"model":"text-embedding-3-small","input":["{{{{{{Email}}}}}}"],"user":"{{{{{{Email}}}}}}","encoding_format":"float"}""",
    };

    [Theory]
    [MemberData(nameof(NewPlaces))]
    public void Protect_CanaryInNewPlace_NeverLeaves_BothPathsSame(string body)
    {
        foreach (var mode in new[] { EndUserIdMode.Strip, EndUserIdMode.Hash, EndUserIdMode.Pass })
        {
            var (dom, onePass) = BothPaths(body, mode);
            foreach (var secret in new[] { Email, Card, Phone })
            {
                Assert.DoesNotContain(secret, onePass, StringComparison.Ordinal);
            }

            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(dom), JsonNode.Parse(onePass)), $"{mode}\n{dom}\n{onePass}");
        }
    }

    [Fact]
    public void Protect_StructuralValues_ReachProviderVerbatim()
    {
        // Each of these would be changed if scrubbed (an e-mail inside); the allowlist keeps them.
        const string body = $$$$$$"""
        {"model":"m-{{{{{{Email}}}}}}","reasoning_effort":"low","messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"call_{{{{{{Email}}}}}}","type":"function","function":{"name":"mail_to","arguments":"{\"to\":\"{{{{{{Email}}}}}}\"}"}}]},
         {"role":"tool","tool_call_id":"call_{{{{{{Email}}}}}}","content":"ok"}],
         "tools":[{"type":"function","function":{"name":"mail_to","parameters":{"type":"object","required":["{{{{{{Email}}}}}}"],"properties":{"{{{{{{Email}}}}}}":{"type":"string","format":"{{{{{{Email}}}}}}","$ref":"#/{{{{{{Email}}}}}}"}}}}}],
         "tool_choice":{"type":"function","function":{"name":"mail_to"}},"response_format":{"type":"json_schema","json_schema":{"name":"r_{{{{{{Email}}}}}}","schema":{"type":"object"}}}}
        """;
        var (dom, onePass) = BothPaths(body, EndUserIdMode.Strip);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(dom), JsonNode.Parse(onePass)));
        var sent = JsonNode.Parse(onePass)!;
        Assert.Equal($"m-{Email}", (string?)sent["model"]);
        var call = sent["messages"]![0]!["tool_calls"]![0]!;
        Assert.Equal($"call_{Email}", (string?)call["id"]);
        Assert.Equal("mail_to", (string?)call["function"]!["name"]);
        Assert.DoesNotContain(Email, (string?)call["function"]!["arguments"], StringComparison.Ordinal);
        Assert.Equal($"call_{Email}", (string?)sent["messages"]![1]!["tool_call_id"]);
        var parameters = sent["tools"]![0]!["function"]!["parameters"]!;
        Assert.Equal("mail_to", (string?)sent["tools"]![0]!["function"]!["name"]);
        Assert.Equal(Email, (string?)parameters["required"]![0]);
        Assert.Equal(Email, (string?)parameters["properties"]![Email]!["format"]);
        Assert.Equal($"#/{Email}", (string?)parameters["properties"]![Email]!["$ref"]);
        Assert.Equal("mail_to", (string?)sent["tool_choice"]!["function"]!["name"]);
        Assert.Equal($"r_{Email}", (string?)sent["response_format"]!["json_schema"]!["name"]);
    }

    /// <summary>A function/tool name is sent verbatim, never scrubbed: one holding PII is refused (400) by both paths.</summary>
    [Theory]
    [InlineData($$$$$$"""{"model":"m","messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"mail_{{{{{{Email}}}}}}","arguments":"{}"}}]}]}""")]
    [InlineData($$$$$$"""{"model":"m","messages":{{{{{{Msgs}}}}}},"tools":[{"type":"function","function":{"name":"mail_{{{{{{Email}}}}}}"}}]}""")]
    [InlineData($$$$$$"""{"model":"m","messages":{{{{{{Msgs}}}}}},"tool_choice":{"type":"function","function":{"name":"mail_{{{{{{Email}}}}}}"}}}""")]
    [InlineData($$$$$$"""{"model":"m","messages":{{{{{{Msgs}}}}}},"functions":[{"name":"mail_{{{{{{Email}}}}}}"}],"function_call":{"name":"mail_{{{{{{Email}}}}}}"}}""")]
    [InlineData($$$$$$"""{"model":"m","messages":[{"role":"assistant","content":null,"function_call":{"name":"mail_{{{{{{Email}}}}}}","arguments":"{}"}}]}""")]
    [InlineData($$$$$$"""{"model":"c","messages":{{{{{{Msgs}}}}}},"tools":[{"name":"mail_{{{{{{Email}}}}}}","input_schema":{"type":"object"}}],"max_tokens":5}""")]
    [InlineData($$$$$$"""{"model":"c","messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"mail_{{{{{{Email}}}}}}","input":{}}]}],"max_tokens":5}""")]
    [InlineData($$$$$$"""{"model":"c","messages":{{{{{{Msgs}}}}}},"tool_choice":{"type":"tool","name":"mail_{{{{{{Email}}}}}}"},"max_tokens":5}""")]
    public void Protect_ToolNameHoldsPii_BothPathsRefuse400(string body)
    {
        Assert.Equal(400, Assert.Throws<WardenHttpException>(() => Dom(body, EndUserIdMode.Strip, out _)).StatusCode);
        Assert.Equal(400, Assert.Throws<WardenHttpException>(() => OnePass(body, EndUserIdMode.Strip, out _)).StatusCode);
        var clean = body.Replace("mail_" + Email, "mail_to", StringComparison.Ordinal);
        var (dom, onePass) = BothPaths(clean, EndUserIdMode.Strip);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(dom), JsonNode.Parse(onePass)));
        Assert.Contains("\"mail_to\"", onePass, StringComparison.Ordinal);
    }

    [Fact]
    public void Protect_BinaryPayload_KeptVerbatim_SameTextElsewhereScrubbed()
    {
        var b64 = string.Concat(Enumerable.Repeat("iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB", 3)) + "41111111111111110000";
        var body = $$$$$$"""
        {"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,{{{{{{b64}}}}}}"}},{"type":"input_audio","input_audio":{"data":"{{{{{{b64}}}}}}","format":"wav"}},
         {"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{{{{{b64}}}}}}"}},{"type":"text","text":"{{{{{{Base64}}}}}}"}]}],"metadata":{"x":"{{{{{{Base64}}}}}}"}}
        """;
        var (dom, onePass) = BothPaths(body, EndUserIdMode.Strip);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(dom), JsonNode.Parse(onePass)));
        Assert.Equal(3, CountOf(onePass, b64));
        Assert.DoesNotContain(Base64, onePass, StringComparison.Ordinal); // the same card as text is found and replaced
    }

    [Theory]
    [InlineData("""{"model":"m","user":"a","safety_identifier":"b","messages":[]}""", """{"model":"m","messages":[]}""")]
    [InlineData("""{"user":"a","safety_identifier":"b","model":"m","messages":[]}""", """{"model":"m","messages":[]}""")]
    [InlineData("""{"model":"m","messages":[],"user":"a" , "safety_identifier":"b" }""", """{"model":"m","messages":[]}""")]
    [InlineData("""{"model":"m","messages":[],"metadata":{ "user_id":"a" }}""", """{"model":"m","messages":[],"metadata":{}}""")]
    [InlineData("""{"model":"m","messages":[],"metadata":{"k":1,"user_id":null},"user":null}""", """{"model":"m","messages":[],"metadata":{"k":1}}""")]
    public void ForTarget_Strip_RemovesMembersAndTheirCommas(string body, string expected)
    {
        var rewriter = ScrubRewriter.Protect(Encoding.UTF8.GetBytes(body), Vault.OpenSession());
        var sent = Encoding.UTF8.GetString(rewriter.ForTarget("m", "m", includeUsage: false, EndUserIdMode.Strip)!.Value.Span);
        Assert.Equal(JsonNode.Parse(expected)!.ToJsonString(), JsonNode.Parse(sent)!.ToJsonString());
        var streamed = Encoding.UTF8.GetString(rewriter.ForTarget("x", "m", includeUsage: true, EndUserIdMode.Strip)!.Value.Span);
        Assert.Equal("x", (string?)JsonNode.Parse(streamed)!["model"]);
    }

    [Fact]
    public void ForTarget_Hash_IsKeyedStableAndNotTheId()
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"m","messages":[],"user":"user-77812","metadata":{"user_id":"user-77812"}}""");
        var first = JsonNode.Parse(ScrubRewriter.Protect(body, Vault.OpenSession()).ForTarget("m", "m", false, EndUserIdMode.Hash, Hasher)!.Value.Span)!;
        var again = JsonNode.Parse(ScrubRewriter.Protect(body, Vault.OpenSession()).ForTarget("m", "m", false, EndUserIdMode.Hash, Hasher)!.Value.Span)!;
        var otherKey = new EndUserIdHasher(AuditContentKeys.Generate()).Hash("user-77812");
        var hashed = (string?)first["user"];
        Assert.Matches("^[0-9a-f]{64}$", hashed);
        Assert.Equal(hashed, (string?)again["user"]);
        Assert.Equal(hashed, (string?)first["metadata"]!["user_id"]);
        Assert.NotEqual(otherKey, hashed);
        Assert.NotEqual(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("user-77812"u8)), hashed); // never a bare hash
        Assert.Equal("user-77812", (string?)JsonNode.Parse(ScrubRewriter.Protect(body, Vault.OpenSession()).ForTarget("m", "m", false, EndUserIdMode.Pass)!.Value.Span)!["user"]);
    }

    [Fact]
    public void Protect_GeneratedShapes_BothPathsSameOrBothRefuse()
    {
        var random = new Random(20261126);
        var refused = 0;
        for (var i = 0; i < 600; i++)
        {
            var body = Generator.Body(random);
            var mode = (EndUserIdMode)(i % 3);
            string? domError = null, onePassError = null;
            string? dom = null, onePass = null;
            try
            {
                dom = Dom(body, mode, out _);
            }
            catch (WardenHttpException ex)
            {
                domError = ex.Message;
            }

            try
            {
                onePass = OnePass(body, mode, out _);
            }
            catch (WardenHttpException ex)
            {
                onePassError = ex.Message;
            }

            Assert.True(domError == onePassError, $"{body}\nDOM: {domError}\none pass: {onePassError}");
            if (domError is not null)
            {
                refused++;
                continue;
            }

            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(dom!), JsonNode.Parse(onePass!)), $"{body}\n{dom}\n{onePass}");
            foreach (var secret in new[] { Email, Card, Phone })
            {
                Assert.DoesNotContain(secret, onePass!, StringComparison.Ordinal);
            }
        }

        Assert.InRange(refused, 1, 300); // the generator reaches the refusals too, but mostly walkable shapes
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x \ud800 y"}]}""")]
    [InlineData("""{"model":"m","messages":[],"metadata":{"a":"\udc00"}}""")]
    [InlineData("""{"model":"m","messages":[],"user":"\ud83d"}""")]
    public void Protect_UnpairedSurrogateEscape_BothPathsRefuseWith400(string body)
    {
        var dom = Assert.Throws<WardenHttpException>(() => Dom(body, EndUserIdMode.Pass, out _));
        var onePass = Assert.Throws<WardenHttpException>(() => OnePass(body, EndUserIdMode.Pass, out _));
        Assert.Equal((400, 400), (dom.StatusCode, onePass.StatusCode));
    }

    [Fact]
    public void Protect_DeepNestingAndWideMetadataAndHugeString_Walked()
    {
        var deep = new StringBuilder("""{"model":"m","messages":[],"metadata":""");
        for (var i = 0; i < 124; i++)
        {
            deep.Append("{\"a\":");
        }

        deep.Append($"\"{Email}\"").Append('}', 124).Append('}');
        var wide = new StringBuilder("""{"model":"m","messages":[],"metadata":{""");
        for (var i = 0; i < 10_000; i++)
        {
            wide.Append(i == 0 ? "" : ",").Append($"\"k{i}\":\"v{i} {Email}\"");
        }

        wide.Append("}}");
        var huge = $$$$$$"""{"model":"m","messages":[{"role":"user","content":"{{{{{{new string('x', 2_000_000)}}}}}} {{{{{{Email}}}}}}"}]}""";
        foreach (var body in new[] { deep.ToString(), wide.ToString(), huge })
        {
            var (dom, onePass) = BothPaths(body, EndUserIdMode.Strip);
            Assert.DoesNotContain(Email, onePass, StringComparison.Ordinal);
            Assert.True(JsonNode.DeepEquals(ProxyHandlerParse(dom), ProxyHandlerParse(onePass)));
        }
    }

    private static JsonNode ProxyHandlerParse(string json) => ProxyHandler.ParseObject(Encoding.UTF8.GetBytes(json));

    private static (string Dom, string OnePass) BothPaths(string body, EndUserIdMode mode)
    {
        var dom = Dom(body, mode, out var domSession);
        var onePass = OnePass(body, mode, out var session);
        Assert.Equal(domSession.FindingCounts.OrderBy(p => p.Key), session.FindingCounts.OrderBy(p => p.Key));
        return (dom, onePass);
    }

    private static string Dom(string body, EndUserIdMode mode, out IPseudonymizationSession session)
    {
        session = Vault.OpenSession();
        var node = ProxyHandler.ParseObject(Encoding.UTF8.GetBytes(body));
        var fields = Scrubbing.Protect(node, session);
        fields.ApplyTo(node, mode, Hasher);
        return node.ToJsonString();
    }

    private static string OnePass(string body, EndUserIdMode mode, out IPseudonymizationSession session)
    {
        session = Vault.OpenSession();
        var rewriter = ScrubRewriter.Protect(Encoding.UTF8.GetBytes(body), session);
        var model = (string?)ProxyHandler.ParseObject(Encoding.UTF8.GetBytes(body))["model"];
        return Encoding.UTF8.GetString(rewriter.ForTarget(model!, model, includeUsage: false, mode, Hasher)!.Value.Span);
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Random request bodies built from the keys the rule table knows (so every context is reached) and unknown ones.</summary>
    private static class Generator
    {
        private static readonly string[] Keys =
        [
            "messages", "content", "text", "role", "tool_calls", "function", "arguments", "name", "type", "id", "tool_call_id",
            "tools", "parameters", "properties", "items", "anyOf", "description", "enum", "required", "format", "$ref", "metadata",
            "user", "user_id", "safety_identifier", "input", "system", "source", "data", "url", "image_url", "input_schema",
            "tool_choice", "response_format", "json_schema", "schema", "tool_use_id", "stop", "x_unknown", "media_type",
            "cache_control", "thinking", "ttl", "citations", "cited_text", "encrypted_content", "encrypted_index", "file_id", "signature",
        ];

        private static readonly string[] Strings =
        [
            Email, Card, Phone, "plain words", "auto", "object", "", "caf\u00e9 \"q\" \\ " + Email, "😀 " + Phone,
            "data:image/png;base64," + new string('A', 80), new string('B', 70),
        ];

        public static string Body(Random random)
        {
            var root = new JsonObject { ["model"] = "m" };
            var members = random.Next(1, 6);
            for (var i = 0; i < members; i++)
            {
                root[Keys[random.Next(Keys.Length)]] = Value(random, 0);
            }

            return root.ToJsonString();
        }

        private static JsonNode? Value(Random random, int depth)
        {
            var pick = depth > 5 ? random.Next(3) : random.Next(6);
            switch (pick)
            {
                case 0:
                case 1:
                    return Strings[random.Next(Strings.Length)];
                case 2:
                    return random.Next(3) switch { 0 => null, 1 => JsonValue.Create(42), _ => JsonValue.Create(true) };
                case 3:
                    var array = new JsonArray();
                    for (var i = random.Next(4); i > 0; i--)
                    {
                        array.Add(Value(random, depth + 1));
                    }

                    return array;
                default:
                    var o = new JsonObject();
                    for (var i = random.Next(5); i > 0; i--)
                    {
                        o[Keys[random.Next(Keys.Length)]] = Value(random, depth + 1);
                    }

                    return o;
            }
        }
    }
}
