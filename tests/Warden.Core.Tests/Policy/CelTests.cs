using Warden.Core.Identity;
using Warden.Core.Policy;
using Warden.Core.Policy.Expressions;

namespace Warden.Core.Tests.Policy;

public sealed class CelTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 14, 30, 0, TimeSpan.Zero); // a Monday

    private static EvalContext Context() => new(new PolicyRequest(
        new WardenPrincipal("agt_1", PrincipalKind.Agent, "bot", "task_token", AgentType: "coder", OnBehalfOf: "usr_1", TaskId: "t1",
            Scopes: ["llm:openai/*:read"], ExpiresAt: Now.AddMinutes(30)),
        "llm.chat", "openai", "gpt-4o", null, ["pii", "email"],
        new Dictionary<string, string> { ["env"] = "prod", ["ip"] = "10.0.0.7" }), Now);

    [Theory]
    [InlineData("true", true)]
    [InlineData("principal.kind == 'agent'", true)]
    [InlineData("principal.id == \"agt_1\" && agent.type == 'coder'", true)]
    [InlineData("user.id == 'usr_1'", true)]
    [InlineData("task.id == 't1'", true)]
    [InlineData("resource.provider in ['openai', 'anthropic']", true)]
    [InlineData("resource.provider in ['anthropic']", false)]
    [InlineData("'pii' in resource.data", true)]
    [InlineData("!('secret' in resource.data)", true)]
    [InlineData("size(resource.data) == 2", true)]
    [InlineData("resource.data.size() > 1", true)]
    [InlineData("resource.model.startsWith('gpt-')", true)]
    [InlineData("resource.model.endsWith('4o') && resource.model.contains('t-4')", true)]
    [InlineData("resource.model.matches('^gpt-[0-9]')", true)]
    [InlineData("matches(resource.model, '^claude')", false)]
    [InlineData("action == 'llm.chat'", true)]
    [InlineData("request.env == 'prod'", true)]
    [InlineData("request['ip'].startsWith('10.')", true)]
    [InlineData("has(request.env) && !has(request.missing)", true)]
    [InlineData("'env' in request", true)]
    [InlineData("has(resource.tool)", false)]
    [InlineData("resource.tool == null", true)]
    [InlineData("time.getHours() >= 9 && time.getHours() < 17", true)]
    [InlineData("time.getDayOfWeek() == 1", true)]
    [InlineData("time > timestamp('2026-01-01T00:00:00Z')", true)]
    [InlineData("task.expires_at - time <= duration('30m')", true)]
    [InlineData("time + duration('1h') > task.expires_at", true)]
    [InlineData("resource.data.exists(d, d == 'email')", true)]
    [InlineData("resource.data.all(d, d.size() > 3)", false)]
    [InlineData("resource.data.exists_one(d, d.startsWith('p'))", true)]
    [InlineData("task.scopes.exists(s, s.startsWith('llm:openai/'))", true)]
    [InlineData("1 + 2 * 3 == 7 && 7 / 2 == 3 && 7 % 3 == 1 && -1 < 0", true)]
    [InlineData("1 == 1.0 && 2.5 > 2", true)]
    [InlineData("'a' + 'b' == 'ab'", true)]
    [InlineData("int('42') == 42 && double(1) == 1.0 && string(5) == '5'", true)]
    [InlineData("principal.kind == 'user' ? false : true", true)]
    [InlineData("[1, 2] + [3] == [1, 2, 3]", true)]
    [InlineData("0x10 == 16", true)]
    [InlineData("'\\u0041\\n' == \"A\\n\"", true)]
    [InlineData("false && 1 / 0 == 1", false)]
    [InlineData("1 / 0 == 1 || true", true)]
    [InlineData("// comment\n true", true)]
    public void Evaluate_Table(string expr, bool expected)
    {
        var (value, error) = CelCompiler.Compile(expr).EvaluateBool(Context());
        Assert.Null(error);
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("1 / 0 == 1", "division by zero")]
    [InlineData("9223372036854775807 + 1 == 0", "overflow")]
    [InlineData("request.missing == 'x'", "no such key")]
    [InlineData("1 < 'a'", "no such overload")]
    [InlineData("1 + 1.0 == 2.0", "no such overload")]
    [InlineData("resource.provider", "not bool")]
    [InlineData("true && 'x'", "no such overload")]
    [InlineData("request.env.size() == 'a'.size() || request.x == 'y'", "no such key")]
    public void Evaluate_RuntimeError_IsReportedNotThrown(string expr, string error)
    {
        var (value, message) = CelCompiler.Compile(expr).EvaluateBool(Context());
        Assert.False(value);
        Assert.Contains(error, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "unexpected end")]
    [InlineData("principal.kind = 'agent'", "unexpected '='")]
    [InlineData("principal.kind == 'agent' & true", "unexpected '&'")]
    [InlineData("secrets.key == 'x'", "unknown variable 'secrets'")]
    [InlineData("principal.password == 'x'", "unknown field 'principal.password'")]
    [InlineData("principal == 'x'", "must be followed by a field")]
    [InlineData("exec('rm')", "unknown function exec/1")]
    [InlineData("resource.model.toUpper()", "unknown method .toUpper/0")]
    [InlineData("resource.model.matches(request.re)", "literal pattern")]
    [InlineData("resource.model.matches('(')", "bad pattern")]
    [InlineData("'abc", "unterminated string")]
    [InlineData("1u == 1", "unsigned")]
    [InlineData("timestamp('yesterday') < time", "timestamp()")]
    [InlineData("time.getHours('Mars/Olympus') == 1", "unknown time zone")]
    [InlineData("resource.data.exists(principal, true)", "new variable name")]
    [InlineData("if == 1", "reserved")]
    [InlineData("99999999999999999999 == 1", "out of range")]
    public void Compile_Invalid_ThrowsWithReason(string expr, string reason)
    {
        var ex = Assert.Throws<CelSyntaxException>(() => CelCompiler.Compile(expr));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_DeepNesting_IsRejectedNotStackOverflow()
    {
        var expr = new string('(', 500) + "true" + new string(')', 500);
        Assert.Throws<CelSyntaxException>(() => CelCompiler.Compile(expr));
    }

    [Fact]
    public void Compile_TooLong_IsRejected() =>
        Assert.Throws<CelSyntaxException>(() => CelCompiler.Compile("true || " + string.Join(" || ", Enumerable.Repeat("true", 1000))));

    [Theory]
    [InlineData("resource.provider == 'openai' && true", "openai")]
    [InlineData("true && resource.provider in ['a', 'b']", "a,b")]
    [InlineData("resource.provider == 'openai' || true", null)]
    [InlineData("'openai' == resource.provider", "openai")]
    [InlineData("principal.id == 'a' || (resource.model.startsWith('x') && 'tag' in resource.data)", "Data:tag,PrincipalId:a")]
    [InlineData("agent.type == 'coder' && time.getHours() >= 8", "AgentType:coder")]
    [InlineData("principal.id == 'a' || resource.model.startsWith('x')", null)]
    [InlineData("!(resource.provider == 'openai')", null)]
    [InlineData("resource.provider != 'openai'", null)]
    [InlineData("request.env == 'prod'", null)]
    [InlineData("action == 'llm.chat' && task.id in ['t1', 't2']", "Action:llm.chat")]
    public void Compile_GuardIndex_Extracted(string expr, string? keys)
    {
        var g = CelCompiler.Compile(expr).Guard;
        var shown = g is null ? null
            : g.All(k => k.Field == GuardField.Provider) ? string.Join(",", g.Select(k => k.Value).Order(StringComparer.Ordinal))
            : string.Join(",", g.Select(k => k.Field + ":" + k.Value).Order(StringComparer.Ordinal));
        Assert.Equal(keys, shown);
    }
}
