namespace Warden.Core.Policy.Expressions;

/// <summary>A compiled condition. <see cref="Providers"/> is set when the condition requires one of these providers (used to index rules).</summary>
internal sealed record CelProgram(string Source, Func<EvalContext, object?> Evaluate, IReadOnlySet<string>? Providers)
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
