using Warden.Core.Identity;

namespace Warden.Core.Tests.Identity;

public sealed class ScopeTests
{
    [Theory]
    [InlineData("llm:openai/gpt-4o", "llm:openai/gpt-4o:read")]
    [InlineData("llm:openai/gpt-4o:write", "llm:openai/gpt-4o:write")]
    [InlineData("llm:ollama/llama3:8b", "llm:ollama/llama3:8b:read")]
    [InlineData("tool:github.search:read", "tool:github.search:read")]
    [InlineData("data:pii", "data:pii:read")]
    [InlineData("llm:openai/*", "llm:openai/*:read")]
    public void Parse_ValidScope_RoundTrips(string text, string canonical) =>
        Assert.Equal(canonical, Scope.Parse(text).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("openai")]
    [InlineData("db:x")]
    [InlineData("llm::read")]
    [InlineData("llm:open*ai")]
    [InlineData("llm:a b")]
    public void Parse_InvalidScope_Fails(string text) =>
        Assert.False(Scope.TryParse(text, out _, out _));

    [Theory]
    [InlineData("llm:openai/*:read", "llm:openai/gpt-4o:read", true)]
    [InlineData("llm:openai/*:read", "llm:openai/gpt-4o:write", false)]
    [InlineData("llm:openai/*:write", "llm:openai/gpt-4o:read", true)]
    [InlineData("llm:*", "llm:anthropic/claude", true)]
    [InlineData("llm:openai/gpt-4o", "llm:openai/gpt-4o-mini", false)]
    [InlineData("tool:*", "llm:openai/gpt-4o", false)]
    [InlineData("llm:openai/gpt-4o*", "llm:openai/gpt-4o-mini", true)]
    public void Covers_Table(string outer, string inner, bool expected) =>
        Assert.Equal(expected, Scope.Parse(outer).Covers(Scope.Parse(inner)));

    [Fact]
    public void Intersect_NestedPatterns_KeepsNarrowerReadOnly()
    {
        var user = ScopeSet.Parse(["llm:openai/*:write", "tool:github.*:write", "data:pii"]);
        var ceiling = ScopeSet.Parse(["llm:openai/gpt-4o:write", "tool:*", "llm:anthropic/*"]);
        var result = user.Intersect(ceiling, keepWrite: false).Items.Select(s => s.ToString()).ToList();
        Assert.Equal(["llm:openai/gpt-4o:read", "tool:github.*:read"], result);
    }
}
