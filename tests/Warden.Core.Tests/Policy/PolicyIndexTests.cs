using System.Text;
using Warden.Core.Identity;
using Warden.Core.Policy;

namespace Warden.Core.Tests.Policy;

/// <summary>
/// The rule index must never change a decision: every request is decided by the indexed policy and by the same policy
/// with every condition made unindexable (<c>(C) || false</c> has no guard), and both must agree on effect and rule,
/// including deny rules whose other clauses error (fail closed).
/// </summary>
public sealed class PolicyIndexTests
{
    private static readonly string[] Conditions =
    [
        "resource.provider == 'openai' && \"pii\" in resource.data",
        "principal.id == 'agt_2' || (resource.model.startsWith('gpt') && 'secret' in resource.data)",
        "agent.type == 'coder' && request.env == 'prod'",
        "resource.provider in ['anthropic', 'mistral'] && request.env == 'prod'",
        "task.id == 't1' && resource.model.endsWith('-mini')",
        "user.id == 'usr_9'",
        "principal.kind == 'user' && resource.provider == 'openai'",
        "action == 'llm.embeddings'",
        "resource.tool == 'github.search' || principal.name == 'bot-2'",
        "'public' in resource.data && agent.name == 'bot'",
        "resource.model == 'gpt-4o'",
        "true",
    ];

    public static TheoryData<int> Seeds => new() { 1, 2, 3, 4, 5 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void IndexedDecisions_EqualUnindexed(int seed)
    {
        var rng = new Random(seed);
        var indexed = new StringBuilder("rules:\n");
        var plain = new StringBuilder("rules:\n");
        string[] effects = ["allow", "deny", "require-approval", "redact"];
        for (var i = 0; i < 60; i++)
        {
            var effect = effects[rng.Next(effects.Length)];
            var when = Conditions[rng.Next(Conditions.Length)];
            var actions = rng.Next(3) == 0 ? "    actions: [llm.embeddings]\n" : rng.Next(2) == 0 ? "    actions: [llm.*]\n" : "";
            var redact = effect == "redact" ? "    redact: [email]\n" : "";
            indexed.Append($"  - id: r{i}\n    effect: {effect}\n{actions}{redact}    when: '{when.Replace("'", "''", StringComparison.Ordinal)}'\n");
            plain.Append($"  - id: r{i}\n    effect: {effect}\n{actions}{redact}    when: '({when.Replace("'", "''", StringComparison.Ordinal)}) || false'\n");
        }

        var a = PolicyLoader.Parse(indexed.ToString());
        var b = PolicyLoader.Parse(plain.ToString());
        var now = new DateTimeOffset(2026, 3, 2, 14, 0, 0, TimeSpan.Zero);
        string?[] providers = ["openai", "anthropic", "mistral", null];
        string?[] models = ["gpt-4o", "gpt-4o-mini", "claude", null];
        string[][] data = [[], ["pii"], ["secret", "public"], ["public"]];
        for (var n = 0; n < 400; n++)
        {
            var kind = rng.Next(3) switch { 0 => PrincipalKind.User, _ => PrincipalKind.Agent };
            var principal = new WardenPrincipal(
                rng.Next(2) == 0 ? "agt_2" : "agt_1", kind, rng.Next(2) == 0 ? "bot" : "bot-2", "agent_key",
                AgentType: rng.Next(2) == 0 ? "coder" : null, OnBehalfOf: rng.Next(2) == 0 ? "usr_9" : null, TaskId: rng.Next(2) == 0 ? "t1" : null);
            var request = new PolicyRequest(principal, rng.Next(3) == 0 ? "llm.embeddings" : "llm.chat", providers[rng.Next(4)], models[rng.Next(4)],
                rng.Next(3) == 0 ? "github.search" : null, data[rng.Next(data.Length)],
                rng.Next(2) == 0 ? new Dictionary<string, string> { ["env"] = "prod" } : null);
            var x = a.Decide(request, now);
            var y = b.Decide(request, now);
            Assert.True(x.Effect == y.Effect && x.RuleId == y.RuleId, $"request {n}: indexed {x.Effect}/{x.RuleId}, unindexed {y.Effect}/{y.RuleId}");
        }
    }

    [Fact]
    public void Explain_SkipsRulesTheRequestCannotMatch()
    {
        var policy = PolicyLoader.Parse("""
            rules:
              - id: only-agent-7
                effect: deny
                when: principal.id == 'agt_7' && request.env == 'prod'
              - id: allow
                effect: allow
            """);
        var e = policy.Explain(new PolicyRequest(new WardenPrincipal("agt_1", PrincipalKind.Agent, "bot", "agent_key"), "llm.chat", "openai", "gpt-4o"), DateTimeOffset.UnixEpoch);
        Assert.Equal("allow", e.Decision.RuleId);
        Assert.Equal("skipped", e.Rules.Single(r => r.RuleId == "only-agent-7").Outcome);

        // The same request from agt_7 without request.env: the deny rule is evaluated, errors, and denies (fail closed).
        var denied = policy.Decide(new PolicyRequest(new WardenPrincipal("agt_7", PrincipalKind.Agent, "bot", "agent_key"), "llm.chat", "openai", "gpt-4o"), DateTimeOffset.UnixEpoch);
        Assert.Equal("only-agent-7", denied.RuleId);
    }
}
