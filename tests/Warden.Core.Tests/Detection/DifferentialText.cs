using System.Text;
using System.Text.RegularExpressions;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// Shared pieces of the differential tests that check a hand-written or filtered scan against a whole-text pattern:
/// the backtracking oracle and random texts of digit runs joined by separators.
/// </summary>
internal static class DifferentialText
{
    /// <summary>The same pattern on the backtracking engine: the oracle the linear-time scans are compared with.</summary>
    public static Regex Backtracking(Regex r) => new(r.ToString(), r.Options & ~RegexOptions.NonBacktracking);

    /// <summary>
    /// <paramref name="groups"/> runs of random digits, each <paramref name="length"/>() long and followed by a random
    /// join, then by whatever <paramref name="after"/> appends. Draws from <paramref name="rng"/> in that order, so a
    /// seed always gives the same text.
    /// </summary>
    public static string DigitGroups(Random rng, int groups, Func<int> length, string[] joins, Action<StringBuilder>? after = null)
    {
        var sb = new StringBuilder();
        for (var i = groups; i > 0; i--)
        {
            for (var d = length(); d > 0; d--)
            {
                sb.Append((char)('0' + rng.Next(10)));
            }

            sb.Append(joins[rng.Next(joins.Length)]);
            after?.Invoke(sb);
        }

        return sb.ToString();
    }
}
