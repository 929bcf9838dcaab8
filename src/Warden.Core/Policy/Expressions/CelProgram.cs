namespace Warden.Core.Policy.Expressions;

/// <summary>A compiled condition. <see cref="Guard"/> is set when the condition can only hold if one of these literal keys holds (used to index rules).</summary>
internal sealed record CelProgram(string Source, Func<EvalContext, object?> Evaluate, IReadOnlyList<(GuardField Field, string Value)>? Guard)
{
    /// <summary>Evaluates to true, false, or an error message.</summary>
    public (bool Value, string? Error) EvaluateBool(EvalContext context)
    {
        var v = Evaluate(context);
        return v switch
        {
            bool b => (b, null),
            CelError e => (false, e.Message),
            _ => (false, $"condition returned {CelValues.TypeName(v)}, not bool"),
        };
    }
}
