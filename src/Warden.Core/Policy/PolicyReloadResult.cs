namespace Warden.Core.Policy;

/// <summary>The outcome of a reload: the version in force, and the errors when the new policy was rejected.</summary>
public sealed record PolicyReloadResult(bool Applied, string Version, int RuleCount, IReadOnlyList<string> Errors);
