using Warden.Core.Identity;
using Warden.Core.Policy;

namespace Warden.Core.Tests.Policy;

public sealed class PolicyDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 14, 30, 0, TimeSpan.Zero);

    internal const string Yaml = """
        version: 1
        rules:
          - id: allow-openai-for-agents
            description: agents may call OpenAI chat models
            effect: allow
            actions: [llm.chat, llm.embeddings]
            when: principal.kind == "agent" && resource.provider == "openai"
          - id: allow-anthropic-coders
            effect: allow
            actions: ["llm.*"]
            when: resource.provider == "anthropic" && agent.type == "coder"
          - id: no-pii-to-openai
            description: PII never goes to OpenAI
            effect: deny
            when: resource.provider == "openai" && "pii" in resource.data
          - id: redact-email
            effect: redact
            redact: [email]
            when: '"email" in resource.data'
          - id: approve-tool-writes
            effect: require-approval
            actions: [tool.call]
            when: request.access == "write"
          - id: allow-read-tools
            effect: allow
            actions: [tool.call]
          - id: prod-only-business-hours
            effect: deny
            when: request.env == "prod" && (time.getHours() < 8 || time.getHours() >= 18)
        """;

    private static PolicyDecision Decide(string action, string? provider, string[]? data = null, string kind = "agent", string? agentType = "coder",
        string? tool = null, Dictionary<string, string>? attrs = null, string[]? scopes = null, int hour = 14)
    {
        var principal = new WardenPrincipal("p1", kind == "agent" ? PrincipalKind.Agent : PrincipalKind.User, "n", scopes is null ? "agent_key" : "task_token",
            AgentType: agentType, TaskId: scopes is null ? null : "t1", Scopes: scopes);
        var policy = PolicyLoader.Parse(Yaml);
        return policy.Decide(new PolicyRequest(principal, action, provider, provider is null ? null : "m1", tool, data, attrs ?? new() { ["env"] = "dev" }),
            new DateTimeOffset(2026, 3, 2, hour, 0, 0, TimeSpan.Zero));
    }

    public static TheoryData<string, PolicyDecision, PolicyEffect, string> Cases => new()
    {
        { "agent to openai", Decide("llm.chat", "openai"), PolicyEffect.Allow, "allow-openai-for-agents" },
        { "user to openai: no rule", Decide("llm.chat", "openai", kind: "user"), PolicyEffect.Deny, "default-deny" },
        { "unknown provider", Decide("llm.chat", "mistral"), PolicyEffect.Deny, "default-deny" },
        { "action outside list", Decide("llm.images", "openai"), PolicyEffect.Deny, "default-deny" },
        { "pii to openai denied over allow", Decide("llm.chat", "openai", ["pii"]), PolicyEffect.Deny, "no-pii-to-openai" },
        { "pii to anthropic ok", Decide("llm.chat", "anthropic", ["pii"]), PolicyEffect.Allow, "allow-anthropic-coders" },
        { "non-coder to anthropic", Decide("llm.chat", "anthropic", agentType: "planner"), PolicyEffect.Deny, "default-deny" },
        { "email redacted", Decide("llm.chat", "openai", ["email"]), PolicyEffect.Redact, "redact-email" },
        { "redact alone does not allow", Decide("llm.chat", "mistral", ["email"]), PolicyEffect.Deny, "default-deny" },
        { "tool write needs approval", Decide("tool.call", null, tool: "jira", attrs: new() { ["access"] = "write", ["env"] = "dev" }), PolicyEffect.RequireApproval, "approve-tool-writes" },
        { "tool read allowed", Decide("tool.call", null, tool: "jira"), PolicyEffect.Allow, "allow-read-tools" },
        { "prod at night denied", Decide("llm.chat", "openai", attrs: new() { ["env"] = "prod" }, hour: 22), PolicyEffect.Deny, "prod-only-business-hours" },
        { "deny rule error absorbed by false (CEL)", Decide("llm.chat", "openai", attrs: new(), hour: 10), PolicyEffect.Allow, "allow-openai-for-agents" },
        { "prod by day allowed", Decide("llm.chat", "openai", attrs: new() { ["env"] = "prod" }, hour: 10), PolicyEffect.Allow, "allow-openai-for-agents" },
        { "deny rule error fails closed", Decide("llm.chat", "openai", attrs: new(), hour: 22), PolicyEffect.Deny, "prod-only-business-hours" },
        { "task scope covers", Decide("llm.chat", "openai", scopes: ["llm:openai/*"]), PolicyEffect.Allow, "allow-openai-for-agents" },
        { "task scope misses model", Decide("llm.chat", "openai", scopes: ["llm:anthropic/*"]), PolicyEffect.Deny, "task-scope" },
        { "task scope misses data tag", Decide("llm.chat", "anthropic", ["pii"], scopes: ["llm:anthropic/*"]), PolicyEffect.Deny, "task-scope" },
        { "task scope read cannot write", Decide("tool.call", null, tool: "jira", attrs: new() { ["access"] = "write", ["env"] = "dev" }, scopes: ["tool:jira:read"]), PolicyEffect.Deny, "task-scope" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decide_Table(string scenario, PolicyDecision decision, PolicyEffect effect, string ruleId)
    {
        Assert.True(effect == decision.Effect, $"{scenario}: expected {effect}, got {decision.Effect} ({decision.Reason})");
        Assert.Equal(ruleId, decision.RuleId);
        Assert.False(string.IsNullOrWhiteSpace(decision.Reason));
    }

    [Fact]
    public void Decide_Deny_ReasonNamesRuleAndDescription()
    {
        var d = Decide("llm.chat", "openai", ["pii"]);
        Assert.Equal("denied by rule 'no-pii-to-openai': PII never goes to OpenAI", d.Reason);
    }

    [Fact]
    public void Decide_DefaultDeny_ReasonNamesActionAndResource()
    {
        var d = Decide("llm.chat", "mistral");
        Assert.Equal("no rule allows llm.chat on mistral/m1 for agent p1", d.Reason);
    }

    [Fact]
    public void Decide_Redact_ListsTags()
    {
        Assert.Equal(["email"], Decide("llm.chat", "openai", ["email"]).Redactions);
    }

    [Fact]
    public void Explain_ListsEveryRuleWithOutcome()
    {
        var policy = PolicyLoader.Parse(Yaml);
        var e = policy.Explain(new PolicyRequest(new WardenPrincipal("a", PrincipalKind.Agent, "a", "agent_key", AgentType: "coder"), "llm.chat", "openai", "m", null, ["pii"],
            new Dictionary<string, string> { ["env"] = "dev" }), Now);
        Assert.Equal(PolicyEffect.Deny, e.Decision.Effect);
        Assert.Equal(7, e.Rules.Count);
        var byId = e.Rules.ToDictionary(r => r.RuleId);
        Assert.Equal("matched", byId["allow-openai-for-agents"].Outcome);
        Assert.Equal("matched", byId["no-pii-to-openai"].Outcome);
        Assert.Equal("skipped", byId["allow-anthropic-coders"].Outcome);
        Assert.Equal("skipped", byId["approve-tool-writes"].Outcome);
        Assert.Equal("not-matched", byId["prod-only-business-hours"].Outcome);
    }

    [Fact]
    public void EmptyPolicy_DeniesEverything()
    {
        var d = PolicySet.Empty.Decide(new PolicyRequest(new WardenPrincipal("a", PrincipalKind.Admin, "a", "admin_key"), "llm.chat", "openai"), Now);
        Assert.Equal(PolicyEffect.Deny, d.Effect);
        Assert.Equal("default-deny", d.RuleId);
    }

    [Fact]
    public void Index_ManyProviders_OnlyMatchingProviderRulesEvaluated()
    {
        var yaml = "rules:\n" + string.Join("\n", Enumerable.Range(0, 500).Select(i =>
            $"  - id: r{i}\n    effect: allow\n    when: resource.provider == 'p{i}' && resource.model == 'm'"));
        var policy = PolicyLoader.Parse(yaml);
        var e = policy.Explain(new PolicyRequest(new WardenPrincipal("a", PrincipalKind.Agent, "a", "agent_key"), "llm.chat", "p42", "m"), Now);
        Assert.Equal("r42", e.Decision.RuleId);
        Assert.Equal(499, e.Rules.Count(r => r.Outcome == "skipped"));
    }
}
