using System.Text;
using Warden.Core.Detection;

namespace Warden.Core.Pseudonymization;

/// <summary>
/// Realistic fakes of the same shape: a plausible name for PERSON, a Luhn-valid card with the same length, grouping and
/// issuer digits, an IBAN of the same country and length with valid mod-97 check digits, an e-mail with the same local
/// part shape at a reserved example domain, a phone with the same country code and grouping, a valid-range SSN,
/// documentation-range IP addresses. Letters, digits and separators of other types keep their classes and positions.
/// Returns null for types with no meaningful fake (DATE_TIME): those keep <c>&lt;TYPE_n&gt;</c>.
/// </summary>
internal static class FakeGenerator
{
    private static readonly HashSet<string> KeptWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "prof", "prof.", "sir", "jr", "jr.", "sr", "sr.", "phd", "md", "ii", "iii",
    };

    public static string? Create(string type, string value, FakeRandom r) => type switch
    {
        EntityTypes.Person => Person(value, r),
        EntityTypes.Location => Location(value, r),
        EntityTypes.Organization => Organization(value, r),
        EntityTypes.EmailAddress => Email(value, r),
        EntityTypes.PhoneNumber => Phone(value, r),
        EntityTypes.CreditCard => Card(value, r),
        EntityTypes.IbanCode => Iban(value, r),
        EntityTypes.UsSsn => Ssn(value, r),
        EntityTypes.IpAddress => Ip(value, r),
        EntityTypes.Url => Url(value, r),
        EntityTypes.DateTime => null,
        _ => SameShape(value, r, KeepPrefix(value)),
    };

    private static string Person(string value, FakeRandom r)
    {
        var words = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var sb = new StringBuilder();
        var named = 0;
        foreach (var w in words)
        {
            sb.Append(sb.Length > 0 ? " " : "");
            if (KeptWords.Contains(w))
            {
                sb.Append(w);
                continue;
            }

            sb.Append(named++ == 0 && words.Length - KeptCount(words) > 1 || words.Length == 1 ? r.Pick(FakeVocabulary.GivenNames) : r.Pick(FakeVocabulary.Surnames));
        }

        return CaseLike(value, sb.ToString());
    }

    private static int KeptCount(string[] words) => words.Count(KeptWords.Contains);

    private static string Location(string value, FakeRandom r)
    {
        var digit = value.AsSpan().IndexOfAnyInRange('0', '9');
        if (digit < 0)
        {
            return CaseLike(value, r.Pick(FakeVocabulary.Cities));
        }

        // A street address: a house number with as many digits as the first one, a street, and a city when there was more.
        var run = 0;
        while (digit + run < value.Length && char.IsAsciiDigit(value[digit + run]) && run < 5)
        {
            run++;
        }

        var sb = new StringBuilder();
        sb.Append(r.Digit(nonZero: true));
        for (var i = 1; i < run; i++)
        {
            sb.Append(r.Digit());
        }

        sb.Append(' ').Append(r.Pick(FakeVocabulary.StreetNames)).Append(' ').Append(r.Pick(FakeVocabulary.StreetTypes));
        if (value.AsSpan().IndexOfAny(',', '\n') > 0)
        {
            sb.Append(", ").Append(r.Pick(FakeVocabulary.Cities));
        }

        return CaseLike(value, sb.ToString());
    }

    private static string Organization(string value, FakeRandom r)
    {
        var single = value.IndexOf(' ', StringComparison.Ordinal) < 0;
        var fake = single ? r.Pick(FakeVocabulary.OrgWords) : $"{r.Pick(FakeVocabulary.OrgWords)} {r.Pick(FakeVocabulary.OrgForms)}";
        return CaseLike(value, fake);
    }

    private static string Email(string value, FakeRandom r)
    {
        var at = value.LastIndexOf('@');
        var local = at > 0 ? value[..at] : value;
        return SameShape(local, r, 0) + "@" + r.Pick(FakeVocabulary.EmailDomains);
    }

    private static string Phone(string value, FakeRandom r)
    {
        // Keep '+'/'00' and the country code (the first digit group, up to three digits) and every separator.
        var keep = 0;
        if (value.StartsWith('+') || value.StartsWith("00", StringComparison.Ordinal))
        {
            keep = value.StartsWith('+') ? 1 : 2;
            var cc = keep;
            while (cc < value.Length && char.IsAsciiDigit(value[cc]) && cc - keep < 3)
            {
                cc++;
            }

            keep = cc < value.Length && !char.IsAsciiDigit(value[cc]) ? cc : keep + 1;
        }

        var sb = new StringBuilder(value.Length);
        sb.Append(value, 0, keep);
        var first = true;
        for (var i = keep; i < value.Length; i++)
        {
            var c = value[i];
            if (!char.IsAsciiDigit(c))
            {
                sb.Append(c);
                continue;
            }

            // A leading 0 (trunk prefix) stays; the first other digit is never 0.
            sb.Append(first && c == '0' ? '0' : r.Digit(nonZero: first));
            first = false;
        }

        return sb.ToString();
    }

    private static string Card(string value, FakeRandom r)
    {
        var digits = value.Count(char.IsAsciiDigit);
        var d = new char[digits];
        var k = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                d[k] = k < 2 ? c : r.Digit(); // the issuer digits stay
                k++;
            }
        }

        d[^1] = '0';
        d[^1] = (char)('0' + LuhnCheckDigit(d.AsSpan(0, digits - 1)));
        return Refill(value, d, char.IsAsciiDigit);
    }

    /// <summary>The digit that makes <paramref name="payload"/> + digit pass Luhn.</summary>
    internal static int LuhnCheckDigit(ReadOnlySpan<char> payload)
    {
        var sum = 0;
        for (var i = 0; i < payload.Length; i++)
        {
            var n = payload[payload.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                n *= 2;
                if (n > 9)
                {
                    n -= 9;
                }
            }

            sum += n;
        }

        return (10 - (sum % 10)) % 10;
    }

    private static string Iban(string value, FakeRandom r)
    {
        var chars = value.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant).ToArray();
        if (chars.Length < 5)
        {
            return SameShape(value, r, 2);
        }

        for (var i = 4; i < chars.Length; i++)
        {
            chars[i] = char.IsAsciiDigit(chars[i]) ? r.Digit() : r.Letter(upper: true);
        }

        // ISO 13616: check = 98 - (BBAN ‖ country ‖ "00" as digits) mod 97.
        var rearranged = new string(chars, 4, chars.Length - 4) + chars[0] + chars[1] + "00";
        var mod = 0;
        foreach (var c in rearranged)
        {
            var v = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            mod = v >= 10 ? ((mod * 100) + v) % 97 : ((mod * 10) + v) % 97;
        }

        var check = 98 - mod;
        chars[2] = (char)('0' + (check / 10));
        chars[3] = (char)('0' + (check % 10));
        return Refill(value, chars, char.IsAsciiLetterOrDigit);
    }

    private static string Ssn(string value, FakeRandom r)
    {
        // Area 001-899 without 666, group 01-99, serial 0001-9999 (the ranges the SSA issues).
        var area = 1 + r.Next(898);
        if (area >= 666)
        {
            area++;
        }

        var digits = $"{area:000}{1 + r.Next(99):00}{1 + r.Next(9999):0000}".ToCharArray();
        return value.Count(char.IsAsciiDigit) == 9 ? Refill(value, digits, char.IsAsciiDigit) : new string(digits);
    }

    private static string Ip(string value, FakeRandom r)
    {
        if (value.Contains(':', StringComparison.Ordinal))
        {
            return $"2001:db8:{r.Next(0x10000):x}:{r.Next(0x10000):x}::{1 + r.Next(0xfffe):x}"; // documentation prefix (RFC 3849)
        }

        string[] nets = ["192.0.2", "198.51.100", "203.0.113"]; // documentation ranges (RFC 5737)
        return $"{r.Pick(nets)}.{1 + r.Next(254)}";
    }

    private static string Url(string value, FakeRandom r)
    {
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        var hostStart = scheme > 0 ? scheme + 3 : 0;
        var pathStart = value.IndexOfAny(['/', '?', '#'], hostStart);
        var host = pathStart < 0 ? value[hostStart..] : value[hostStart..pathStart];
        var fakeHost = (host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? "www." : "") + r.Pick(FakeVocabulary.EmailDomains);
        var path = pathStart < 0 ? "" : SameShape(value[pathStart..], r, 0);
        return value[..hostStart] + fakeHost + path;
    }

    /// <summary>Same length and character classes: letters stay letters (same case), digits stay digits, the rest is kept.</summary>
    internal static string SameShape(string value, FakeRandom r, int keepPrefix)
    {
        var sb = new StringBuilder(value.Length);
        sb.Append(value, 0, keepPrefix);
        for (var i = keepPrefix; i < value.Length; i++)
        {
            var c = value[i];
            sb.Append(char.IsAsciiDigit(c) ? r.Digit() : char.IsLetter(c) ? r.Letter(char.IsUpper(c)) : c);
        }

        return sb.ToString();
    }

    /// <summary>A secret's telling prefix stays ("sk-proj-", "ghp_", "AKIA"): up to the last '-'/'_' in the first 12 characters.</summary>
    private static int KeepPrefix(string value)
    {
        var head = value.AsSpan(0, Math.Min(12, value.Length));
        var sep = head.LastIndexOfAny('-', '_');
        if (sep > 0 && sep < value.Length - 4)
        {
            return sep + 1;
        }

        return value.Length > 8 && value.AsSpan(0, 4).IndexOfAnyExceptInRange('A', 'Z') < 0 ? 4 : 0;
    }

    /// <summary>Writes <paramref name="chars"/> into the positions of <paramref name="template"/> that satisfy <paramref name="slot"/>.</summary>
    private static string Refill(string template, char[] chars, Func<char, bool> slot)
    {
        var sb = new StringBuilder(template.Length);
        var k = 0;
        foreach (var c in template)
        {
            sb.Append(slot(c) && k < chars.Length ? chars[k++] : c);
        }

        return sb.ToString();
    }

    /// <summary>Lower-case or upper-case like the original when it is all one case.</summary>
    private static string CaseLike(string original, string fake)
    {
        var letters = original.Where(char.IsLetter).ToArray();
        if (letters.Length > 0 && letters.All(char.IsLower))
        {
            return fake.ToLowerInvariant();
        }

        return letters.Length > 1 && letters.All(char.IsUpper) ? fake.ToUpperInvariant() : fake;
    }
}
