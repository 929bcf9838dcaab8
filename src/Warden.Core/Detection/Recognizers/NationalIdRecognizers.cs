using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Recognizers;

/// <summary>US_DRIVER_LICENSE: letter/digit shapes used by US states; only reported next to context words (the shapes alone are too common).</summary>
internal sealed partial class UsDriverLicenseRecognizer() : RegexRecognizer("UsDriverLicenseRecognizer", EntityTypes.UsDriverLicense, 0.5,
    ["driver", "driver's", "drivers", "license", "licence", "dl", "dln", "driving"])
{
    private static readonly CharClass DlAlphabet = CharClass.Of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -");

    protected override System.Buffers.SearchValues<char> Anchors => DigitAnchors;

    protected override CharClass Alphabet => DlAlphabet;

    /// <summary>Validation needs six digits.</summary>
    protected override int MinDigits => 6;

    protected override int MinDigitRun => 3;

    protected override int MinLength => 6;

    protected override bool RequiresContext => true;

    protected override double ContextBoost => 0.3;

    /// <summary>
    /// A bounded match with six digits or more: one run of 6 to 14 digits (after one or two letters, or alone), or runs of
    /// 3, 3 and 3 joined by single spaces or dashes.
    /// </summary>
    protected override ulong FirstRunLengths { get; } = RunLengths(3, 6, 7, 8, 9, 10, 11, 12, 13, 14);

    protected override bool DigitsMayStartAt(string text, DigitRuns runs, int k) =>
        DigitShapes.Length(runs, k) is >= 6 and <= 14 || DigitShapes.Sequence(text, runs, k, [3, 3, 3], DigitShapes.SpaceOrDash);

    protected override Regex Pattern => Dl();

    protected override bool Validate(string text, ref int start, ref int end, ref double score)
    {
        var s = text.AsSpan(start, end - start);
        return Bounded(text, start, end) && s.IndexOfAnyInRange('0', '9') >= 0 && s.Length - s.ToString().Count(c => !char.IsAsciiDigit(c)) >= 6;
    }

    [GeneratedRegex(@"[A-Za-z]{1,2}\d{5,14}[A-Za-z]?|\d{7,13}|\d{3}[ \-]\d{3}[ \-]\d{3}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Dl();
}

/// <summary>US_PASSPORT: nine digits or a letter and eight digits (next-generation books), context required.</summary>
internal sealed partial class UsPassportRecognizer() : RegexRecognizer("UsPassportRecognizer", EntityTypes.UsPassport, 0.4, ["passport", "travel document"])
{
    private static readonly CharClass PassportAlphabet = CharClass.Of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

    protected override System.Buffers.SearchValues<char> Anchors => DigitAnchors;

    protected override CharClass Alphabet => PassportAlphabet;

    /// <summary>Every shape has eight digits.</summary>
    protected override int MinDigits => 8;

    protected override int MinDigitRun => 8;

    protected override int MinLength => 9;

    protected override bool RequiresContext => true;

    protected override ulong FirstRunLengths { get; } = RunLengths(8, 9);

    /// <summary>A bounded match is a run of nine digits, or of eight digits after one letter.</summary>
    protected override bool DigitsMayStartAt(string text, DigitRuns runs, int k)
    {
        var s = runs.Start(k);
        return DigitShapes.Single(text, runs, k, 9)
            || (DigitShapes.Length(runs, k) == 8 && s > 0 && char.IsAsciiLetter(text[s - 1]) && DigitShapes.BoundedLeft(text, s - 1)
                && DigitShapes.BoundedRight(text, runs.End(k)));
    }

    protected override Regex Pattern => Passport();

    protected override bool Validate(string text, ref int start, ref int end, ref double score) => Bounded(text, start, end);

    [GeneratedRegex(@"[A-Za-z]\d{8}|\d{9}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Passport();
}

/// <summary>UK_NHS: ten digits (3-3-4), mod-11 check digit.</summary>
internal sealed partial class UkNhsRecognizer() : RegexRecognizer("UkNhsRecognizer", EntityTypes.UkNhs, 0.5, ["nhs", "health", "patient", "medical"])
{
    private static readonly CharClass NhsAlphabet = CharClass.Of("0123456789 -");

    protected override System.Buffers.SearchValues<char> Anchors => DigitAnchors;

    protected override CharClass Alphabet => NhsAlphabet;

    /// <summary>Validation needs ten digits.</summary>
    protected override int MinDigits => 10;

    protected override int MinDigitRun => 3;

    protected override int MinLength => 10;

    /// <summary>
    /// A bounded match is ten digits in runs of 10, 3+7, 6+4 or 3+3+4 joined by single spaces or dashes, and those ten digits
    /// pass the mod-11 check <see cref="Validate"/> applies (most phone numbers in 3-3-4 groups fail it: no regex run for them).
    /// </summary>
    protected override ulong FirstRunLengths { get; } = RunLengths(3, 6, 10);

    protected override bool DigitsMayStartAt(string text, DigitRuns runs, int k)
    {
        var count = DigitShapes.Length(runs, k) switch
        {
            10 => DigitShapes.Sequence(text, runs, k, [10], DigitShapes.SpaceOrDash) ? 1 : 0,
            6 => DigitShapes.Sequence(text, runs, k, [6, 4], DigitShapes.SpaceOrDash) ? 2 : 0,
            3 => DigitShapes.Sequence(text, runs, k, [3, 7], DigitShapes.SpaceOrDash) ? 2 : DigitShapes.Sequence(text, runs, k, [3, 3, 4], DigitShapes.SpaceOrDash) ? 3 : 0,
            _ => 0,
        };
        Span<char> d = stackalloc char[10];
        return count > 0 && DigitShapes.Gather(text, runs, k, count, d) == 10 && Checksums.NhsMod11(d);
    }

    protected override Regex Pattern => Nhs();

    protected override bool Validate(string text, ref int start, ref int end, ref double score)
    {
        Span<char> d = stackalloc char[10];
        var s = text.AsSpan(start, end - start);
        if (!Bounded(text, start, end) || Digits(s, d) != 10 || !Checksums.NhsMod11(d))
        {
            return false;
        }

        // Unseparated ten-digit runs are common (phone numbers, ids): need context.
        return s.Length != 10 || Context.Near(text, start, end);
    }

    [GeneratedRegex(@"\d{3}[ \-]?\d{3}[ \-]?\d{4}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Nhs();
}

/// <summary>UK_NINO: two prefix letters (excluding D, F, I, Q, U, V and invalid pairs), six digits, suffix A–D.</summary>
internal sealed partial class UkNinoRecognizer() : RegexRecognizer("UkNinoRecognizer", EntityTypes.UkNino, 0.7, ["national insurance", "nino", "ni number", "insurance"])
{
    private static readonly CharClass NinoAlphabet = CharClass.Of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ");

    protected override System.Buffers.SearchValues<char> Anchors => DigitAnchors;

    protected override CharClass Alphabet => NinoAlphabet;

    /// <summary>Every match has six digits.</summary>
    protected override int MinDigits => 6;

    protected override int MinDigitRun => 2;

    protected override int MinLength => 9;

    /// <summary>
    /// The six digits are whole runs of 6, 2+4, 4+2 or 2+2+2 joined by single spaces, after the two prefix letters (and
    /// perhaps a space) with no letter or digit before them: most digit runs of prose fail on the characters before them.
    /// </summary>
    protected override ulong FirstRunLengths { get; } = RunLengths(2, 4, 6);

    protected override bool DigitsMayStartAt(string text, DigitRuns runs, int k)
    {
        var s = runs.Start(k);
        var p = s > 0 && text[s - 1] == ' ' ? s - 1 : s;
        if (p < 2 || !char.IsAsciiLetter(text[p - 1]) || !char.IsAsciiLetter(text[p - 2]) || !DigitShapes.BoundedLeft(text, p - 2))
        {
            return false;
        }

        return DigitShapes.Length(runs, k) switch
        {
            6 => true,
            4 => DigitShapes.Sequence(text, runs, k, [4, 2], DigitShapes.Space, bounded: false),
            2 => DigitShapes.Sequence(text, runs, k, [2, 4], DigitShapes.Space, bounded: false) || DigitShapes.Sequence(text, runs, k, [2, 2, 2], DigitShapes.Space, bounded: false),
            _ => false,
        };
    }

    protected override Regex Pattern => Nino();

    protected override bool Validate(string text, ref int start, ref int end, ref double score)
    {
        if (!Bounded(text, start, end))
        {
            return false;
        }

        var a = char.ToUpperInvariant(text[start]);
        var b = char.ToUpperInvariant(text[start + 1]);
        Span<char> pair = [a, b];
        return pair is not ("BG" or "GB" or "KN" or "NK" or "NT" or "TN" or "ZZ") && b != 'O';
    }

    [GeneratedRegex(@"[A-CEGHJ-PR-TW-Za-ceghj-pr-tw-z][A-CEGHJ-NPR-TW-Za-ceghj-npr-tw-z] ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d]", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Nino();
}

/// <summary>ES_NIF: Spanish DNI (8 digits + letter) and NIE (X/Y/Z + 7 digits + letter), mod-23 check letter.</summary>
internal sealed partial class EsNifRecognizer() : RegexRecognizer("EsNifRecognizer", EntityTypes.EsNif, 0.75, ["dni", "nif", "nie", "documento"])
{
    private static readonly CharClass NifAlphabet = CharClass.Of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-");

    protected override System.Buffers.SearchValues<char> Anchors => DigitAnchors;

    protected override CharClass Alphabet => NifAlphabet;

    /// <summary>Every match has seven digits.</summary>
    protected override int MinDigits => 7;

    protected override int MinDigitRun => 7;

    protected override int MinLength => 8;

    /// <summary>The digits are one whole run of seven or eight (a letter or the check letter around it).</summary>
    protected override ulong FirstRunLengths { get; } = RunLengths(7, 8);

    protected override bool DigitsMayStartAt(string text, DigitRuns runs, int k) => DigitShapes.Length(runs, k) is 7 or 8;

    protected override Regex Pattern => Nif();

    protected override bool Validate(string text, ref int start, ref int end, ref double score)
    {
        if (!Bounded(text, start, end))
        {
            return false;
        }

        Span<char> v = stackalloc char[9];
        var n = 0;
        foreach (var c in text.AsSpan(start, end - start))
        {
            if (c != '-')
            {
                v[n++] = c;
            }
        }

        return n == 9 && Checksums.SpanishNif(v);
    }

    [GeneratedRegex(@"[XYZxyz]?\d{7,8}-?[A-Za-z]", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Nif();
}

/// <summary>IT_FISCAL_CODE: 16-character codice fiscale with its check letter.</summary>
internal sealed partial class ItFiscalCodeRecognizer() : RegexRecognizer("ItFiscalCodeRecognizer", EntityTypes.ItFiscalCode, 0.8, ["codice fiscale", "cf", "fiscal"])
{
    private static readonly CharClass CfAlphabet = CharClass.Of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

    protected override System.Buffers.SearchValues<char> Anchors => DigitAnchors;

    protected override CharClass Alphabet => CfAlphabet;

    /// <summary>Every match has seven digits.</summary>
    protected override int MinDigits => 7;

    protected override int MinDigitRun => 3;

    protected override int MinLength => 16;

    /// <summary>The digits are whole runs of 2, 2 and 3, each pair joined by one letter.</summary>
    protected override ulong FirstRunLengths { get; } = RunLengths(2);

    protected override bool DigitsMayStartAt(string text, DigitRuns runs, int k) =>
        DigitShapes.Sequence(text, runs, k, [2, 2, 3], DigitShapes.AsciiLetters, bounded: false);

    protected override Regex Pattern => Cf();

    protected override bool Validate(string text, ref int start, ref int end, ref double score) =>
        Bounded(text, start, end) && Checksums.ItalianFiscalCode(text.AsSpan(start, end - start));

    [GeneratedRegex(@"[A-Za-z]{6}\d{2}[A-EHLMPR-Ta-ehlmpr-t]\d{2}[A-Za-z]\d{3}[A-Za-z]", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Cf();
}

/// <summary>PL_PESEL: 11 digits with a weighted check digit and a plausible birth date; context raises the score.</summary>
internal sealed partial class PlPeselRecognizer() : RegexRecognizer("PlPeselRecognizer", EntityTypes.PlPesel, 0.4, ["pesel"])
{
    private static readonly CharClass PeselAlphabet = CharClass.Of("0123456789");

    protected override System.Buffers.SearchValues<char> Anchors => DigitAnchors;

    protected override CharClass Alphabet => PeselAlphabet;

    /// <summary>Every match has eleven digits.</summary>
    protected override int MinDigits => 11;

    protected override int MinDigitRun => 11;

    protected override int MinLength => 11;

    protected override bool RequiresContext => true;

    /// <summary>A bounded match is one run of eleven digits.</summary>
    protected override ulong FirstRunLengths { get; } = RunLengths(11);

    protected override bool DigitsMayStartAt(string text, DigitRuns runs, int k) => DigitShapes.Single(text, runs, k, 11);

    protected override Regex Pattern => Pesel();

    protected override bool Validate(string text, ref int start, ref int end, ref double score)
    {
        var s = text.AsSpan(start, end - start);
        if (!Bounded(text, start, end) || !Checksums.Pesel(s))
        {
            return false;
        }

        var month = (s[2] - '0') * 10 + (s[3] - '0');
        var day = (s[4] - '0') * 10 + (s[5] - '0');
        return month % 20 is >= 1 and <= 12 && day is >= 1 and <= 31;
    }

    [GeneratedRegex(@"\d{11}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Pesel();
}
