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

    /// <summary>One to <paramref name="maxParts"/> - 1 random pieces of <paramref name="parts"/>, concatenated.</summary>
    public static string Pieces(Random rng, string[] parts, int maxParts)
    {
        var sb = new StringBuilder();
        for (var i = rng.Next(1, maxParts); i > 0; i--)
        {
            sb.Append(parts[rng.Next(parts.Length)]);
        }

        return sb.ToString();
    }

    /// <summary>One to 59 random characters of <paramref name="alphabet"/>.</summary>
    public static string Soup(Random rng, string alphabet) =>
        new(Enumerable.Range(0, rng.Next(1, 60)).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToArray());

    /// <summary>Every match of <paramref name="regex"/> in <paramref name="window"/>, as (index, length).</summary>
    public static List<(int Index, int Length)> RegexMatches(Regex regex, string window)
    {
        var found = new List<(int, int)>();
        foreach (var m in regex.EnumerateMatches(window))
        {
            found.Add((m.Index, m.Length));
        }

        return found;
    }

    /// <summary>Fails, showing the window with its control and non-ASCII characters escaped, when the two match lists differ.</summary>
    public static void AssertSameMatches(List<(int Index, int Length)> expected, List<(int Index, int Length)> actual, string window) =>
        Xunit.Assert.True(
            expected.SequenceEqual(actual),
            $"window {string.Concat(window.Select(c => c is >= ' ' and < '\u007f' ? c.ToString() : $"\\u{(int)c:X4}"))}\nregex {string.Join(" ", expected)}\nhand  {string.Join(" ", actual)}");
}
