using System.Text;
using System.Text.Json.Nodes;
using Warden.Core.Detection;
using Warden.Core.Pseudonymization;
using Warden.Gateway.Proxy;

namespace Warden.Gateway.Tests.Proxy;

public sealed class StreamRestorerTests
{
    private static JsonObject Chunk(string content, string? finish) => new()
    {
        ["id"] = "c1",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1,
        ["model"] = "m",
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["delta"] = new JsonObject { ["content"] = content },
            ["finish_reason"] = finish,
        }),
    };

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void LastChunkCarriesTextAndFinish_SurrogateSplit_RestoresAllTextBeforeFinish(int splitAt)
    {
        var session = new Pseudonymizer(new DetectionEngine(), TimeProvider.System).OpenSession();
        var scrubbed = session.Protect("Write to jane.doe@example.com today");
        var start = scrubbed.IndexOf('<', StringComparison.Ordinal);
        Assert.True(start >= 0, scrubbed);
        var answer = "Sent to " + scrubbed[start..scrubbed.IndexOf('>', start)] + ">";

        // The surrogate is cut inside the last chunk, which also carries finish_reason.
        var cut = answer.Length - splitAt;
        var chunks = new List<JsonObject> { Chunk(answer[..cut], null), Chunk(answer[cut..], "stop") };
        var restorer = new StreamRestorer(session);
        restorer.Process(chunks);

        var text = new StringBuilder();
        var finishSeen = false;
        foreach (var c in chunks)
        {
            var choice = (JsonObject)((JsonArray)c["choices"]!)[0]!;
            Assert.False(finishSeen, "no chunk may follow the finish chunk");
            text.Append((string?)choice["delta"]?["content"]);
            finishSeen = choice["finish_reason"] is JsonValue;
        }

        Assert.True(finishSeen);
        Assert.Equal("Sent to jane.doe@example.com", text.ToString());
    }
}
