using System.Text;
using System.Text.Json;
using Warden.Gateway.Proxy;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>
/// The one-pass restore of Anthropic answers: only the signed thinking content of a content block (or delta) is left as
/// the model wrote it; a member named <c>thinking</c> anywhere else (a tool's input) is restored; untouched bytes stay.
/// </summary>
public sealed class AnthropicRestoreTests
{
    private static readonly Core.Pseudonymization.IPseudonymizationSession Session = NewSession();

    private static Core.Pseudonymization.IPseudonymizationSession NewSession()
    {
        var session = new TestPseudonymizer("Jane").OpenSession();
        Assert.Equal("<PERSON_1>", session.Protect("Jane"));
        return session;
    }

    private static string? Restore(string json) =>
        AnthropicRestore.Restore(Encoding.UTF8.GetBytes(json), Session) is { } r ? Encoding.UTF8.GetString(r.Span) : null;

    [Theory]
    [InlineData("""{"content":[{"type":"thinking","thinking":"<PERSON_1>","signature":"<PERSON_1>"}]}""")]
    [InlineData("""{"content":[{"type":"redacted_thinking","data":"<PERSON_1>"}]}""")]
    [InlineData("""{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"<PERSON_1>"}}""")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"<PERSON_1>"}}""")]
    [InlineData("""{"type":"message_start","message":{"content":[{"type":"thinking","thinking":"<PERSON_1>"}]}}""")]
    [InlineData("""{"content":[{"type":"text","text":"no surrogate here"}], "n" : 1.50}""")]
    public void Restore_SignedThinkingOrNothingToRestore_Unchanged(string json) => Assert.Null(Restore(json));

    [Theory]
    [InlineData("""{"content":[{"type":"text","text":"hi <PERSON_1>"}]}""", """{"content":[{"type":"text","text":"hi Jane"}]}""")]
    [InlineData("""{"content":[{"type":"tool_use","input":{"thinking":"<PERSON_1>","a":[{"thinking":"<PERSON_1>"}]}}], "n" : 1.50}""",
        """{"content":[{"type":"tool_use","input":{"thinking":"Jane","a":[{"thinking":"Jane"}]}}], "n" : 1.50}""")]
    [InlineData("""{"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"\u003CPERSON_1\u003E"}}""",
        """{"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"Jane"}}""")]
    [InlineData("""{"thinking":"<PERSON_1>","x":{"thinking":"<PERSON_1>"}}""", """{"thinking":"Jane","x":{"thinking":"Jane"}}""")]
    public void Restore_SurrogateOutsideThinking_RewrittenInPlace(string json, string expected) => Assert.Equal(expected, Restore(json));

    [Theory]
    [InlineData("""{"content":[{"type":"text","text":"<PERSON_1>"}""")]
    [InlineData("""{"content":"\ud800"}""")]
    public void Restore_InvalidJson_Throws(string json) => Assert.ThrowsAny<JsonException>(() => Restore(json));

    [Theory]
    [InlineData("""{"type":"content_block_delta","index":3,"delta":{"type":"text_delta","text":"x"}}""", "content_block_delta", 3, "text_delta")]
    [InlineData("""{"index":{"a":1},"type":"content_block_stop","delta":{"x":{"type":"no"},"type":"input_json_delta"}}""", "content_block_stop", -1, "input_json_delta")]
    [InlineData("""{"type":["no"],"message":{"type":"message"}}""", null, -1, null)]
    public void Peek_ReadsTopLevelTypeIndexAndDeltaType(string json, string? type, int index, string? deltaType) =>
        Assert.Equal((type, index, deltaType), AnthropicStreamRestorer.Peek(Encoding.UTF8.GetBytes(json)));
}
