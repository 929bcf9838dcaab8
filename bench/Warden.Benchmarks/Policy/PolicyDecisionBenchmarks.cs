using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Warden.Core.Identity;
using Warden.Core.Policy;

namespace Warden.Benchmarks.Policy;

/// <summary>
/// One policy decision against 1,000 rules. <c>Indexed</c>: a realistic policy where rules pin providers
/// (50 providers x 19 rules + 50 unpinned rules). <c>AllRulesEvaluated</c>: the worst case, 1,000 unpinned rules
/// that all apply to the action (none matches until the last): the index evaluates only the one whose literal keys the
/// request has. <c>Unindexable</c>: the same rules hidden from the index, all evaluated.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PercentileConfig))]
public class PolicyDecisionBenchmarks
{
    private PolicySet _indexed = null!;
    private PolicySet _worst = null!;
    private PolicySet _unindexable = null!;
    private PolicyRequest _request = null!;
    private readonly DateTimeOffset _now = new(2026, 3, 2, 14, 0, 0, TimeSpan.Zero);

    [GlobalSetup]
    public void Setup()
    {
        var sb = new StringBuilder("rules:\n");
        for (var p = 0; p < 50; p++)
        {
            for (var r = 0; r < 19; r++)
            {
                sb.Append($"  - id: p{p}-r{r}\n    effect: {(r == 18 ? "allow" : "deny")}\n    actions: [llm.chat]\n")
                  .Append($"    when: resource.provider == 'prov{p}' && resource.model == 'model-{r}' && agent.type == 'coder'\n");
            }
        }

        for (var g = 0; g < 50; g++)
        {
            sb.Append($"  - id: g{g}\n    effect: deny\n    when: \"'tag{g}' in resource.data && request.env == 'prod'\"\n");
        }

        _indexed = PolicyLoader.Parse(sb.ToString());

        var worst = new StringBuilder("rules:\n");
        for (var i = 0; i < 999; i++)
        {
            worst.Append($"  - id: w{i}\n    effect: deny\n    when: principal.id == 'agent-{i}' || (resource.model.startsWith('x-{i}') && 'tag{i}' in resource.data)\n");
        }

        worst.Append("  - id: last\n    effect: allow\n    when: agent.type == 'coder' && time.getHours() >= 8\n");
        _worst = PolicyLoader.Parse(worst.ToString());

        // The same rules made unindexable ("(C) || false" requires no literal key): all 1,000 are evaluated.
        var unindexable = new StringBuilder("rules:\n");
        for (var i = 0; i < 999; i++)
        {
            unindexable.Append($"  - id: w{i}\n    effect: deny\n    when: (principal.id == 'agent-{i}' || (resource.model.startsWith('x-{i}') && 'tag{i}' in resource.data)) || false\n");
        }

        unindexable.Append("  - id: last\n    effect: allow\n    when: (agent.type == 'coder' && time.getHours() >= 8) || false\n");
        _unindexable = PolicyLoader.Parse(unindexable.ToString());

        var principal = new WardenPrincipal("agt_bench", PrincipalKind.Agent, "bench", "task_token", AgentType: "coder", OnBehalfOf: "usr_1", TaskId: "t1", Scopes: ["llm:*", "data:*"]);
        _request = new PolicyRequest(principal, "llm.chat", "prov7", "model-18", null, ["public"], new Dictionary<string, string> { ["env"] = "prod" });
        if (_indexed.Decide(_request, _now).RuleId != "p7-r18" || _worst.Decide(_request, _now).RuleId != "last" || _unindexable.Decide(_request, _now).RuleId != "last")
        {
            throw new InvalidOperationException("benchmark policy does not decide as expected");
        }
    }

    [Benchmark(Baseline = true)]
    public PolicyDecision Indexed() => _indexed.Decide(_request, _now);

    /// <summary>1,000 rules that all apply to the action; each requires a literal key the index finds (principal id, data tag, agent type).</summary>
    [Benchmark]
    public PolicyDecision AllRulesEvaluated() => _worst.Decide(_request, _now);

    /// <summary>The same 1,000 rules with no literal key the index could use: every rule is evaluated (the bound for conditions the index cannot see into).</summary>
    [Benchmark]
    public PolicyDecision Unindexable() => _unindexable.Decide(_request, _now);

    private sealed class PercentileConfig : ManualConfig
    {
        public PercentileConfig()
        {
            AddColumn(StatisticColumn.P95, StatisticColumn.Max);
        }
    }
}
