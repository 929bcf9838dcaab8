using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// One provider secret shape: its pattern, score, the shortest match it can have, characters every match contains (<paramref name="Anchors"/>) and the
/// characters a match consists of (<paramref name="Alphabet"/>).
/// </summary>
internal sealed record SecretRule(string Kind, Regex Pattern, double Score, int MinLength, string Anchors, CharClass Alphabet);
