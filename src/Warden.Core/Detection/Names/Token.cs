namespace Warden.Core.Detection.Names;

/// <summary>Letter-case shape of a word.</summary>
internal enum Shape : byte
{
    Lower,
    Title,
    Upper,
    Mixed,
}

/// <summary>One word of text: [Start, End) covers letters plus inner apostrophes, hyphens and dots (H.J.).</summary>
internal readonly record struct Token(int Start, int End, Shape Shape, bool SentenceStart)
{
    public int Length => End - Start;
}

/// <summary>Splits text into word tokens in one pass.</summary>
internal static class Tokenizer
{
    public static void Tokenize(string text, List<Token> tokens)
    {
        var i = 0;
        var sentenceStart = true;
        while (i < text.Length)
        {
            var c = text[i];
            if (!(char.IsAsciiLetter(c) || (c > 0x7f && char.IsLetter(c))))
            {
                if (c is '.' or '!' or '?' or '\n' or ':' or '"' or '(' or ';')
                {
                    sentenceStart = true;
                }
                else if (!char.IsWhiteSpace(c) && c is not ('\'' or '’' or '*' or '-' or '—' or '\\'))
                {
                    sentenceStart = sentenceStart && c is '#' or '?';
                    if (char.IsDigit(c) || c == ',')
                    {
                        sentenceStart = false;
                    }
                }

                i++;
                continue;
            }

            var start = i;
            while (i < text.Length)
            {
                var ch = text[i];
                if (char.IsAsciiLetter(ch) || (ch > 0x7f && (char.IsLetter(ch) || char.GetUnicodeCategory(ch) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark)))
                {
                    i++;
                }
                else if ((ch is '\'' or '’' or '-') && i + 1 < text.Length && char.IsLetter(text[i + 1]))
                {
                    i++;
                }
                else
                {
                    break;
                }
            }

            tokens.Add(new Token(start, i, ShapeOf(text.AsSpan(start, i - start)), sentenceStart));
            sentenceStart = false;
        }
    }

    private static Shape ShapeOf(ReadOnlySpan<char> w)
    {
        var upper = 0;
        var lower = 0;
        foreach (var c in w)
        {
            if (char.IsUpper(c))
            {
                upper++;
            }
            else if (char.IsLower(c))
            {
                lower++;
            }
        }

        if (upper == 0)
        {
            return Shape.Lower;
        }

        if (lower == 0)
        {
            return w.Length > 1 ? Shape.Upper : Shape.Title;
        }

        return char.IsUpper(w[0]) && upper <= 3 ? Shape.Title : Shape.Mixed;
    }
}
