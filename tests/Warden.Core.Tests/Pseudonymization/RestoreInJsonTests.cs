using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Warden.Core.Detection;
using Warden.Core.Pseudonymization;

namespace Warden.Core.Tests.Pseudonymization;

/// <summary>
/// Originals restored into JSON text (tool-call arguments) are written as JSON string content: an original with a quote,
/// a backslash or a control character keeps the arguments valid JSON and decodes to itself, whole or streamed.
/// </summary>
public sealed class RestoreInJsonTests
{
    private const string Original = "Server=.\\SQL \"prod\"\tline2";

    private static IPseudonymizationSession Session()
    {
        var engine = new DetectionEngine(new DetectionOptions { NamedEntities = false, DenyList = [Original] });
        var session = new Pseudonymizer(engine, new FakeTimeProvider(), new PseudonymizerOptions()).OpenSession();
        Assert.DoesNotContain(Original, session.Protect("use " + Original + " now"), StringComparison.Ordinal);
        return session;
    }

    // As a model writes them (a serialiser's default escaping of '<' is undone by the gateway before restoring).
    private static string ArgumentsWith(string surrogate) => "{\"conn\":\"" + surrogate + "\",\"n\":1}";

    [Fact]
    public void RestoreInJson_OriginalWithQuoteBackslashTab_ArgumentsStayValidAndDecodeToOriginal()
    {
        var session = Session();
        var arguments = ArgumentsWith("<DENY_LIST_1>");
        var restored = session.RestoreInJson(arguments);
        Assert.Equal(Original, JsonDocument.Parse(restored).RootElement.GetProperty("conn").GetString());

        // The plain restore (message text) puts the original in as it is: that would not parse here.
        Assert.Equal("use " + Original, session.Restore("use <DENY_LIST_1>"));
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(session.Restore(arguments)));
    }

    [Fact]
    public void JsonStreamingRestorer_SurrogateSplitAtEveryOffset_ArgumentsDecodeToOriginal()
    {
        var session = Session();
        var arguments = ArgumentsWith("<DENY_LIST_1>");
        for (var cut = 1; cut < arguments.Length; cut++)
        {
            var r = session.CreateJsonStreamingRestorer();
            var text = r.Push(arguments[..cut]) + r.Push(arguments[cut..]) + r.Flush();
            Assert.Equal(Original, JsonDocument.Parse(text).RootElement.GetProperty("conn").GetString());
        }
    }
}
