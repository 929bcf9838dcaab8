using Warden.Core.Identity;

namespace Warden.Core.Policy.Expressions;

/// <summary>The variables of one evaluation: the request, the decision time, comprehension locals.</summary>
internal sealed class EvalContext
{
    private static readonly IReadOnlyDictionary<string, string> NoAttributes = new Dictionary<string, string>();

    public EvalContext(PolicyRequest request, DateTimeOffset now)
    {
        Request = request;
        Now = request.Time ?? now;
    }

    public PolicyRequest Request { get; }

    public DateTimeOffset Now { get; }

    public WardenPrincipal Principal => Request.Principal;

    public IReadOnlyDictionary<string, string> Attributes => Request.Attributes ?? NoAttributes;

    /// <summary>Comprehension variables by slot (nesting depth).</summary>
    public object?[] Locals { get; } = new object?[CelCompiler.MaxComprehensionDepth];
}
