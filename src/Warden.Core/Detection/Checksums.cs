namespace Warden.Core.Detection;

/// <summary>Check-digit algorithms used to reject look-alike numbers.</summary>
internal static class Checksums
{
    /// <summary>Luhn (mod 10) over the digits of <paramref name="digits"/> (non-digits must be removed first).</summary>
    public static bool Luhn(ReadOnlySpan<char> digits)
    {
        if (digits.Length < 2)
        {
            return false;
        }

        var sum = 0;
        var dbl = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            if (dbl)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            dbl = !dbl;
        }

        return sum % 10 == 0;
    }

    /// <summary>ISO 7064 mod 97-10 as used by IBAN: move the first four characters to the end, letters become 10..35.</summary>
    public static bool IbanMod97(ReadOnlySpan<char> iban)
    {
        if (iban.Length < 5)
        {
            return false;
        }

        var rem = 0;
        for (var k = 0; k < iban.Length; k++)
        {
            var c = iban[(k + 4) % iban.Length];
            int v;
            if (char.IsAsciiDigit(c))
            {
                v = c - '0';
                rem = (rem * 10 + v) % 97;
            }
            else if (char.IsAsciiLetter(c))
            {
                v = char.ToUpperInvariant(c) - 'A' + 10;
                rem = (rem * 100 + v) % 97;
            }
            else
            {
                return false;
            }
        }

        return rem == 1;
    }

    /// <summary>UK NHS number: weights 10..2 over the first nine digits, check = 11 - (sum mod 11), 11 → 0, 10 invalid.</summary>
    public static bool NhsMod11(ReadOnlySpan<char> digits)
    {
        if (digits.Length != 10)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += (digits[i] - '0') * (10 - i);
        }

        var check = 11 - (sum % 11);
        if (check == 11)
        {
            check = 0;
        }

        return check != 10 && check == digits[9] - '0';
    }

    /// <summary>Polish PESEL: weights 1,3,7,9 repeating over ten digits, check = (10 - sum mod 10) mod 10.</summary>
    public static bool Pesel(ReadOnlySpan<char> digits)
    {
        if (digits.Length != 11)
        {
            return false;
        }

        ReadOnlySpan<int> w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
        var sum = 0;
        for (var i = 0; i < 10; i++)
        {
            sum += (digits[i] - '0') * w[i];
        }

        return (10 - (sum % 10)) % 10 == digits[10] - '0';
    }

    /// <summary>Spanish DNI/NIE: the letter is "TRWAGMYFPDXBNJZSQVHLCKE"[number mod 23]; NIE X/Y/Z map to 0/1/2.</summary>
    public static bool SpanishNif(ReadOnlySpan<char> value)
    {
        if (value.Length != 9)
        {
            return false;
        }

        const string letters = "TRWAGMYFPDXBNJZSQVHLCKE";
        var n = 0L;
        for (var i = 0; i < 8; i++)
        {
            var c = char.ToUpperInvariant(value[i]);
            var d = i == 0 && (c == 'X' || c == 'Y' || c == 'Z') ? c - 'X' : c - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            n = n * 10 + d;
        }

        return letters[(int)(n % 23)] == char.ToUpperInvariant(value[8]);
    }

    /// <summary>Italian codice fiscale: the 16th character is a check letter over odd/even position tables.</summary>
    public static bool ItalianFiscalCode(ReadOnlySpan<char> value)
    {
        if (value.Length != 16)
        {
            return false;
        }

        ReadOnlySpan<int> odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
        var sum = 0;
        for (var i = 0; i < 15; i++)
        {
            var c = char.ToUpperInvariant(value[i]);
            int idx;
            if (char.IsAsciiDigit(c))
            {
                idx = c - '0';
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                idx = c - 'A';
            }
            else
            {
                return false;
            }

            // Positions are 1-based in the specification: position 1 is "odd".
            sum += i % 2 == 0 ? odd[idx] : idx;
        }

        return (char)('A' + (sum % 26)) == char.ToUpperInvariant(value[15]);
    }

    /// <summary>Shannon entropy in bits per character.</summary>
    public static double Entropy(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return 0;
        }

        Span<int> counts = stackalloc int[128];
        var other = 0;
        foreach (var c in s)
        {
            if (c < 128)
            {
                counts[c]++;
            }
            else
            {
                other++;
            }
        }

        double h = 0;
        foreach (var n in counts)
        {
            if (n > 0)
            {
                var p = (double)n / s.Length;
                h -= p * Math.Log2(p);
            }
        }

        if (other > 0)
        {
            var p = (double)other / s.Length;
            h -= p * Math.Log2(p);
        }

        return h;
    }
}
