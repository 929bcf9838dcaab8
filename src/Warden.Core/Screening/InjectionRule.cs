using System.Text.RegularExpressions;

namespace Warden.Core.Screening;

/// <summary>One instruction-like pattern aimed at a model. Patterns run with <see cref="RegexOptions.NonBacktracking"/> (linear time).</summary>
/// <param name="Id">Stable signal id, e.g. <c>rule.ignore_previous</c>.</param>
/// <param name="Weight">Probability-like weight; rules at 0.5 or above decide alone at the default threshold.</param>
/// <param name="Pattern">The compiled pattern.</param>
internal sealed record InjectionRule(string Id, float Weight, Regex Pattern);
