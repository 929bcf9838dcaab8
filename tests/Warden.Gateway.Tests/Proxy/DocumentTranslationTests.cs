using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>
/// Attached documents across dialects: an Anthropic <c>document</c> reaches an OpenAI provider as a <c>file</c> or text part,
/// an OpenAI PDF <c>file</c> reaches an Anthropic provider as a <c>document</c>; what has no counterpart is refused (400,
/// nothing forwarded) instead of silently dropped.
/// </summary>
public sealed class DocumentTranslationTests
{
    private const string Pdf = "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKdHJhaWxlcgo8PC9Sb290IDEgMCBSPj4KJSVFT0YK";
    private const string Email = "jane.doe@example.com";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task AnthropicCaller_PdfAndTextDocuments_ReachOpenAIProviderAsFileAndTextParts()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var body = $$$"""
            {"model":"gpt-4o-mini","max_tokens":50,"messages":[{"role":"user","content":[
              {"type":"document","title":"report.pdf","source":{"type":"base64","media_type":"application/pdf","data":"{{{Pdf}}}"}},
              {"type":"document","title":"Notes","source":{"type":"text","media_type":"text/plain","data":"Quarterly notes"}},
              {"type":"text","text":"Summarise both."}]}]}
            """;
        using var response = await client.PostAsync("v1/messages", Json(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var parts = openai.Requests.Single().Json["messages"]![0]!["content"]!.AsArray();
        Assert.Equal("file", (string?)parts[0]!["type"]);
        Assert.Equal("report.pdf", (string?)parts[0]!["file"]!["filename"]);
        Assert.Equal("data:application/pdf;base64," + Pdf, (string?)parts[0]!["file"]!["file_data"]);
        Assert.Equal("Notes\n\nQuarterly notes", (string?)parts[1]!["text"]);
        Assert.Equal("Summarise both.", (string?)parts[2]!["text"]);
    }

    [Fact]
    public async Task OpenAICaller_PdfFile_ReachesAnthropicProviderAsDocument()
    {
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(anthropic: anthropic));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var body = $$$"""
            {"model":"claude-sonnet-4-5","messages":[{"role":"user","content":[
              {"type":"file","file":{"filename":"report.pdf","file_data":"data:application/pdf;base64,{{{Pdf}}}"}},
              {"type":"text","text":"Summarise it."}]}]}
            """;
        using var response = await client.PostAsync("v1/chat/completions", Json(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var blocks = anthropic.Requests.Single().Json["messages"]![0]!["content"]!.AsArray();
        Assert.Equal("document", (string?)blocks[0]!["type"]);
        Assert.Equal("report.pdf", (string?)blocks[0]!["title"]);
        Assert.Equal("base64", (string?)blocks[0]!["source"]!["type"]);
        Assert.Equal("application/pdf", (string?)blocks[0]!["source"]!["media_type"]);
        Assert.Equal(Pdf, (string?)blocks[0]!["source"]!["data"]);
        Assert.Equal("Summarise it.", (string?)blocks[1]!["text"]);
    }

    [Theory]
    [InlineData("v1/chat/completions", """{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-abc"}}]}]}""", "file_id")]
    [InlineData("v1/chat/completions", """{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":[{"type":"file","file":{"file_data":"data:text/plain;base64,aGVsbG8="}}]}]}""", "PDF")]
    [InlineData("v1/chat/completions", """{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}]}""", "input_audio")]
    [InlineData("v1/messages", """{"model":"gpt-4o-mini","max_tokens":9,"messages":[{"role":"user","content":[{"type":"search_result","source":"s","title":"t","content":[]}]}]}""", "search_result")]
    [InlineData("v1/messages", """{"model":"gpt-4o-mini","max_tokens":9,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"url","url":"https://example.com/a.pdf"}}]}]}""", "document")]
    public async Task ContentWithNoCounterpart_Returns400NamingIt_AndNothingIsForwarded(string path, string body, string named)
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai, anthropic));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync(path, Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"], StringComparison.Ordinal);
        Assert.Empty(openai.Requests);
        Assert.Empty(anthropic.Requests);
    }

    [Fact]
    public async Task Scrubbed_AnthropicTextDocument_ToOpenAIProvider_CarriesNoPii_PdfBytesUnchanged()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        var settings = ProxySettings.For(openai);
        settings["Warden:Providers:openai:RequireScrub"] = "true";
        await using var gw = await GatewayFixture.StartAsync(settings);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var body = $$$"""
            {"model":"gpt-4o-mini","max_tokens":50,"messages":[{"role":"user","content":[
              {"type":"document","title":"Contact","source":{"type":"text","media_type":"text/plain","data":"Write to {{{Email}}} today."}},
              {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"{{{Pdf}}}"}}]}]}
            """;
        using var response = await client.PostAsync("v1/messages", Json(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = openai.Requests.Single();
        Assert.DoesNotContain(Email, sent.Body, StringComparison.Ordinal);
        Assert.Contains("Write to <EMAIL_ADDRESS_1> today.", sent.Body, StringComparison.Ordinal);
        Assert.Equal("data:application/pdf;base64," + Pdf, (string?)sent.Json["messages"]![0]!["content"]![1]!["file"]!["file_data"]);
    }

    private static Dictionary<string, string?> Alias(FakeProvider openai, FakeProvider anthropic, bool openaiFirst)
    {
        var s = ProxySettings.For(openai, anthropic);
        s["Warden:Models:smart:Provider"] = openaiFirst ? "openai" : "anthropic";
        s["Warden:Models:smart:Model"] = openaiFirst ? "gpt-4o-mini" : "claude-sonnet-4-5";
        s["Warden:Models:smart:Fallbacks:0"] = openaiFirst ? "anthropic/claude-sonnet-4-5" : "openai/gpt-4o-mini";
        return s;
    }

    private const string SearchResult = """
        {"model":"smart","max_tokens":9,"messages":[{"role":"user","content":[
          {"type":"search_result","source":"https://example.com","title":"t","content":[{"type":"text","text":"found"}]},
          {"type":"text","text":"Use it."}]}]}
        """;

    [Fact]
    public async Task Fallback_FirstTargetCannotCarryBlock_SkippedForOneThatCan()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        await using var gw = await GatewayFixture.StartAsync(Alias(openai, anthropic, openaiFirst: true));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/messages", Json(SearchResult));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(openai.Requests);
        Assert.Equal("search_result", (string?)anthropic.Requests.Single().Json["messages"]![0]!["content"]![0]!["type"]);
    }

    [Fact]
    public async Task Fallback_OnlyFallbackCannotCarryBlock_PrimaryFailureIsRelayed_NothingElseSent()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        anthropic.Respond = async (ctx, _) =>
        {
            ctx.Response.StatusCode = 529;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
        };
        await using var gw = await GatewayFixture.StartAsync(Alias(openai, anthropic, openaiFirst: false));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/messages", Json(SearchResult));
        Assert.Equal((HttpStatusCode)529, response.StatusCode);
        Assert.Single(anthropic.Requests);
        Assert.Empty(openai.Requests);
    }
}
