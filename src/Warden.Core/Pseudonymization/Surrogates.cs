namespace Warden.Core.Pseudonymization;

/// <summary>The surrogate syntax <c>&lt;TYPE_n&gt;</c>: TYPE is [A-Z][A-Z0-9_]*, n is a positive decimal.</summary>
internal static class Surrogates
{
    /// <summary>Longest surrogate Warden issues: '&lt;' + 64-char type + '_' + 10 digits + '&gt;'.</summary>
    public const int MaxLength = 1 + 64 + 1 + 10 + 1;

    public static string Format(string type, int n) => $"<{type}_{n}>";

    /// <summary>Length of the surrogate starting at <paramref name="s"/>[0] ('&lt;'), or 0 when there is none.</summary>
    public static int Match(ReadOnlySpan<char> s)
    {
        if (s.Length < 4 || s[0] != '<' || !char.IsAsciiLetterUpper(s[1]))
        {
            return 0;
        }

        var i = 2;
        var lastUnderscore = -1;
        while (i < s.Length && i < MaxLength)
        {
            var c = s[i];
            if (c == '>')
            {
                // Must end in _digits with at least one digit.
                return lastUnderscore > 1 && i - lastUnderscore > 1 && s[(lastUnderscore + 1)..i].IndexOfAnyExceptInRange('0', '9') < 0 ? i + 1 : 0;
            }

            if (c == '_')
            {
                lastUnderscore = i;
            }
            else if (!(char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c)))
            {
                return 0;
            }

            i++;
        }

        return 0;
    }

    /// <summary>True when <paramref name="tail"/> (starting with '&lt;') could still grow into a surrogate.</summary>
    public static bool CouldBePrefix(ReadOnlySpan<char> tail)
    {
        if (tail.IsEmpty || tail[0] != '<' || tail.Length >= MaxLength)
        {
            return false;
        }

        if (tail.Length >= 2 && !char.IsAsciiLetterUpper(tail[1]))
        {
            return false;
        }

        foreach (var c in tail[1..])
        {
            if (!(char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
