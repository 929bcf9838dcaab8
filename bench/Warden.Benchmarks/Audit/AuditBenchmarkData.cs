using Warden.Core.Audit;

namespace Warden.Benchmarks.Audit;

/// <summary>A realistic gateway.response event (about 450 bytes of canonical JSON).</summary>
internal static class AuditBenchmarkData
{
    public static AuditEvent Event(int i) => new()
    {
        Type = "gateway.response",
        PrincipalId = "agt_" + (i % 50),
        AgentId = "agt_" + (i % 50),
        OnBehalfOf = "user-" + (i % 200),
        TaskId = "task-" + (i % 1000),
        Action = "llm.chat",
        Provider = i % 2 == 0 ? "openai" : "anthropic",
        Model = "gpt-4.1-mini",
        Decision = "allow",
        RuleId = "provider-agents",
        Status = 200,
        LatencyMs = 812.25,
        PromptTokens = 1200 + (i % 300),
        CompletionTokens = 300 + (i % 100),
        FindingCounts = new Dictionary<string, int> { ["email"] = 1, ["api_key"] = i % 2 },
        ContentHmac = "9f2c4b7de0a1936f5c8e2d4b7a6f1e3c9d8b2a7f6e5d4c3b2a1908f7e6d5c4b3",
    };
}
