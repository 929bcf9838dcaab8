namespace Warden.Core.Policy.Expressions;

/// <summary>A CEL evaluation error value (propagated, absorbed by <c>&amp;&amp;</c>/<c>||</c> as CEL specifies).</summary>
internal sealed class CelError
{
    public CelError(string message)
    {
        Message = message;
    }

    public string Message { get; }

    public override string ToString() => Message;
}
