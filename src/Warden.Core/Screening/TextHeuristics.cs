namespace Warden.Core.Screening;

/// <summary>Small helpers shared by the sanitizer stages.</summary>
internal static class TextHeuristics
{
    /// <summary>True when the text reads as text: at least 85% printable, with some letters.</summary>
    public static bool IsMostlyPrintable(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        int printable = 0, letters = 0;
        foreach (var c in text)
        {
            if (c == '\uFFFD' || char.IsControl(c) && c is not ('\n' or '\r' or '\t'))
            {
                continue;
            }

            printable++;
            if (char.IsLetter(c))
            {
                letters++;
            }
        }

        return printable * 100 >= text.Length * 85 && letters * 2 >= text.Length;
    }
}
