using Microsoft.Extensions.Time.Testing;
using Warden.Core.Identity;
using Warden.Core.Policy;

namespace Warden.Core.Tests.Policy;

public sealed class PolicyLoaderTests
{
    [Theory]
    [InlineData("rules:\n  - id: a\n    effect: allow\n    when: 'principal.kind ='", "rule 'a': when:")]
    [InlineData("rules:\n  - id: a\n    effect: permit", "effect must be")]
    [InlineData("rules:\n  - effect: allow", "id is required")]
    [InlineData("rules:\n  - id: a\n    effect: allow\n  - id: a\n    effect: deny", "duplicate")]
    [InlineData("rules:\n  - id: default-deny\n    effect: allow", "reserved")]
    [InlineData("rules:\n  - id: a\n    effect: redact", "non-empty 'redact'")]
    [InlineData("rules:\n  - id: a\n    effect: allow\n    redact: [x]", "only allowed on redact")]
    [InlineData("rules:\n  - id: a\n    effect: allow\n    actions: []", "actions must be")]
    [InlineData("rules:\n  - id: a\n    effect: allow\n    actions: ['*.chat']", "actions must be")]
    [InlineData("rules:\n  - id: a\n    effect: allow\n    priority: 3", "line")]
    [InlineData("version: 2\nrules: []", "unsupported version")]
    [InlineData("rules: [", "line")]
    public void Parse_Invalid_ListsError(string yaml, string expected)
    {
        var ex = Assert.Throws<PolicyValidationException>(() => PolicyLoader.Parse(yaml, "p.yaml"));
        Assert.Contains(ex.Errors, e => e.Contains(expected, StringComparison.Ordinal) && e.StartsWith("p.yaml", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("hello", "line 1: expected a policy document (a mapping with 'version' and 'rules'), found a single value")]
    [InlineData("- a\n- b", "line 1: expected a policy document (a mapping with 'version' and 'rules')")]
    [InlineData("rules: 5", "line 1: expected a list of rules, found a single value")]
    [InlineData("version: x", "line 1: expected a whole number")]
    [InlineData("version: 1\nunknown: 1", "line 2: unknown key 'unknown' (a policy file has 'version' and 'rules')")]
    [InlineData("rules:\n  - {id: a, priority: 3}", "line 2: unknown key 'priority' in a rule")]
    [InlineData("rules:\n  - id: a\n    effect: [1]", "line 3: expected a single value (a string)")]
    [InlineData("rules:\n  - id: a\n    actions: x", "line 3: expected a list of strings, found a single value")]
    [InlineData("rules:\n  - id: a\n    capture_content: maybe", "line 3:")]
    public void Parse_WrongShape_NamesShapeNotDotNetType(string yaml, string expected)
    {
        var ex = Assert.Throws<PolicyValidationException>(() => PolicyLoader.Parse(yaml, "p.yaml"));
        var error = Assert.Single(ex.Errors);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Warden.Core", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeveralErrors_AllReported()
    {
        var ex = Assert.Throws<PolicyValidationException>(() => PolicyLoader.Parse("rules:\n  - id: a\n    effect: x\n  - id: b\n    effect: allow\n    when: nope == 1"));
        Assert.Equal(2, ex.Errors.Count);
    }

    [Fact]
    public void Parse_EmptyFile_HasNoRules() => Assert.Empty(PolicyLoader.Parse("").Rules);

    [Fact]
    public void Reload_BadFile_KeepsLastGoodPolicy()
    {
        var dir = Directory.CreateTempSubdirectory("warden-policy-");
        try
        {
            var file = Path.Combine(dir.FullName, "main.yaml");
            File.WriteAllText(file, "rules:\n  - id: allow-all\n    effect: allow\n");
            var time = new FakeTimeProvider();
            var pdp = new PolicyDecisionPoint(time);
            using var source = new PolicyFileSource(dir.FullName, pdp, time);
            Assert.True(source.Reload().Applied);
            var request = new PolicyRequest(new WardenPrincipal("a", PrincipalKind.Agent, "a", "agent_key"), "llm.chat", "openai");
            Assert.Equal(PolicyEffect.Allow, pdp.Decide(request).Effect);
            var good = pdp.Current.Version;

            File.WriteAllText(Path.Combine(dir.FullName, "extra.yml"), "rules:\n  - id: broken\n    effect: deny\n    when: 'resource.provider == '\n");
            var result = source.Reload();
            Assert.False(result.Applied);
            Assert.Contains(result.Errors, e => e.StartsWith("extra.yml: rule 'broken'", StringComparison.Ordinal));
            Assert.Equal(good, pdp.Current.Version);
            Assert.Equal(PolicyEffect.Allow, pdp.Decide(request).Effect);

            File.WriteAllText(Path.Combine(dir.FullName, "extra.yml"), "rules:\n  - id: no-openai\n    effect: deny\n    when: resource.provider == 'openai'\n");
            Assert.True(source.Reload().Applied);
            Assert.Equal("no-openai", pdp.Decide(request).RuleId);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Watch_FileChanged_ReloadsAfterDebounce()
    {
        var dir = Directory.CreateTempSubdirectory("warden-policy-");
        try
        {
            var file = Path.Combine(dir.FullName, "p.yaml");
            File.WriteAllText(file, "rules:\n  - id: v1\n    effect: allow\n");
            var pdp = new PolicyDecisionPoint(TimeProvider.System);
            using var source = new PolicyFileSource(file, pdp, TimeProvider.System);
            source.Reload();
            var reloaded = new TaskCompletionSource<PolicyReloadResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            source.Reloaded += r => { if (r.Applied && pdp.Current.Rules[0].Id == "v2") { reloaded.TrySetResult(r); } };
            source.StartWatching(TimeSpan.FromMilliseconds(50));
            File.WriteAllText(file, "rules:\n  - id: v2\n    effect: allow\n");
            await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("v2", pdp.Current.Rules[0].Id);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
