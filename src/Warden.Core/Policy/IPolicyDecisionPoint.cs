namespace Warden.Core.Policy;

/// <summary>
/// The policy decision point. Implementations are deny-by-default and must never throw for a
/// request: an internal error is returned as a deny decision (fail closed).
/// </summary>
public interface IPolicyDecisionPoint
{
    /// <summary>Decides one request.</summary>
    PolicyDecision Decide(PolicyRequest request);
}
