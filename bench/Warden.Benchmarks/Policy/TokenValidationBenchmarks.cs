using BenchmarkDotNet.Attributes;
using Warden.Core.Identity;
using Warden.Core.Policy;

namespace Warden.Benchmarks.Policy;

/// <summary>
/// What identity adds to a request: authenticate a task token (signature check cached per token, revocation checked
/// every time) plus a policy decision. <c>ColdValidation</c> is the first sight of a token: a full ES256 verify.
/// </summary>
[MemoryDiagnoser]
public class TokenValidationBenchmarks
{
    private SigningKeyRing _ring = null!;
    private TaskTokenAuthenticator _authenticator = null!;
    private PolicyDecisionPoint _pdp = null!;
    private TaskTokenOptions _options = null!;
    private string _token = null!;

    [GlobalSetup]
    public void Setup()
    {
        var time = TimeProvider.System;
        _options = new TaskTokenOptions();
        _ring = new SigningKeyRing(new InMemorySigningKeyStore(), _options, time);
        var issuer = new TaskTokenIssuer(_ring, _options, time);
        var agent = new AgentProfile("agt_bench", "bench", null, "coder", null, ["llm:*"]);
        _token = issuer.IssueAsync("usr_1", agent, "task-1", ScopeSet.Parse(["llm:openai/*"]), TimeSpan.FromMinutes(30), default).AsTask().GetAwaiter().GetResult().Token;
        var revocations = new InMemoryRevocationList(time);
        revocations.Add(RevocationKind.Task, "some-other-task", DateTimeOffset.MaxValue);
        _authenticator = new TaskTokenAuthenticator(new TaskTokenValidator(_ring, _options, time), revocations);
        _pdp = new PolicyDecisionPoint(time, PolicyLoader.Parse("rules:\n  - id: allow-openai\n    effect: allow\n    actions: [llm.chat]\n    when: resource.provider == 'openai' && agent.type == 'coder'\n"));
        if (!ValidateAndDecide().IsPermitted)
        {
            throw new InvalidOperationException("benchmark request is not allowed");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _ring.Dispose();

    [Benchmark(Baseline = true)]
    public PolicyDecision ValidateAndDecide()
    {
        var result = _authenticator.AuthenticateAsync(_token, default).AsTask().GetAwaiter().GetResult();
        return _pdp.Decide(new PolicyRequest(result.Principal!, "llm.chat", "openai", "gpt-4o"));
    }

    [Benchmark]
    public bool ColdValidation() =>
        new TaskTokenValidator(_ring, _options, TimeProvider.System).ValidateAsync(_token, default).AsTask().GetAwaiter().GetResult().Succeeded;
}
