using PhoneNumbers;

namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// libphonenumber's number-type decision for one region's metadata (its GetNumberTypeHelper, the test behind
/// IsValidNumberForRegion and behind choosing the region of a shared calling code), reimplemented over one small digit
/// automaton (<see cref="DigitDfa"/>) of the region's own patterns instead of libphonenumber's interpreted regexes.
/// <para>
/// What libphonenumber does, and this repeats: a description matches a national significant number when the description
/// lists no possible lengths or lists the number's length, and the whole number matches its national number pattern. The
/// type is unknown unless the general description has a pattern and matches; then the first matching of premium rate,
/// toll free, shared cost, VoIP, personal number, pager, UAN and voicemail is the type; then fixed line (fixed line or
/// mobile when the region says both patterns are the same or mobile matches too); then, unless the patterns are the same,
/// mobile. The leading-digits pattern (used to pick a region of a shared calling code) matches a prefix of the number.
/// </para>
/// <para>
/// <see cref="TryCreate"/> returns null, and the caller keeps libphonenumber's path, for any metadata outside that shape:
/// a general description without a pattern, a description that could be tested without a pattern, a pattern with a
/// construct <see cref="DigitPatternNfa"/> does not take, or an automaton beyond <see cref="DigitDfa.MaxStates"/>.
/// </para>
/// </summary>
internal sealed class PhoneRegionCheck
{
    /// <summary>Label bits: the general description, the types in libphonenumber's order, then the leading digits.</summary>
    private const int General = 0;
    private const int PremiumRate = 1;
    private const int Voicemail = 8;
    private const int FixedLine = 9;
    private const int Mobile = 10;
    private const int Leading = 11;

    /// <summary>The types of bits 1–8 (see <see cref="Descriptions"/>).</summary>
    private static readonly PhoneNumberType[] SpecialTypes =
    [
        PhoneNumberType.PREMIUM_RATE, PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST, PhoneNumberType.VOIP,
        PhoneNumberType.PERSONAL_NUMBER, PhoneNumberType.PAGER, PhoneNumberType.UAN, PhoneNumberType.VOICEMAIL,
    ];

    private readonly DigitDfa _dfa;

    /// <summary>Per label bit 0–10: the number lengths that may be tested (bit n: length n; all bits when none are listed).</summary>
    private readonly ulong[] _lengths;

    private readonly bool _sameMobileAndFixedLine;

    /// <summary>Per number length 0–<see cref="MaxLength"/>: the label bits whose descriptions admit that length.</summary>
    private readonly ushort[] _admitted;

    /// <summary>The labels of which one must match, besides the general description, for the type to be known.</summary>
    private readonly ushort _typeLabels;

    /// <summary>The longest national significant number libphonenumber parses.</summary>
    private const int MaxLength = 17;

    private PhoneRegionCheck(DigitDfa dfa, ulong[] lengths, bool sameMobileAndFixedLine, bool hasLeadingDigits)
    {
        _dfa = dfa;
        _lengths = lengths;
        _sameMobileAndFixedLine = sameMobileAndFixedLine;
        HasLeadingDigits = hasLeadingDigits;
        _admitted = new ushort[MaxLength + 1];
        for (var length = 0; length <= MaxLength; length++)
        {
            for (var bit = General; bit <= Mobile; bit++)
            {
                _admitted[length] |= (ushort)(((lengths[bit] >> length) & 1) << bit);
            }
        }

        // Known: the general description and then a special type or fixed line, or mobile unless it shares fixed line's pattern.
        _typeLabels = (ushort)(((1 << (FixedLine + 1)) - 1) & ~(1 << General));
        if (!sameMobileAndFixedLine)
        {
            _typeLabels |= 1 << Mobile;
        }
    }

    /// <summary>True when the region has a leading-digits pattern (libphonenumber then picks it by that, not by type).</summary>
    public bool HasLeadingDigits { get; }

    /// <summary>Bytes held by the automaton's tables.</summary>
    public int TableBytes => _dfa.TableBytes;

    public int StateCount => _dfa.StateCount;

    /// <summary>The descriptions in label order (bits 0–10).</summary>
    private static PhoneNumberDesc?[] Descriptions(PhoneMetadata m) =>
        [m.GeneralDesc, m.PremiumRate, m.TollFree, m.SharedCost, m.Voip, m.PersonalNumber, m.Pager, m.Uan, m.Voicemail, m.FixedLine, m.Mobile];

    /// <summary>The check of <paramref name="metadata"/>, or null when its shape is not covered (see the type's summary).</summary>
    public static PhoneRegionCheck? TryCreate(PhoneMetadata metadata)
    {
        var descriptions = Descriptions(metadata);
        if (descriptions[General] is not { HasNationalNumberPattern: true })
        {
            return null;
        }

        var nfa = new DigitPatternNfa();
        var lengths = new ulong[Mobile + 1];
        try
        {
            for (var bit = General; bit <= Mobile; bit++)
            {
                if (descriptions[bit] is not { } desc)
                {
                    return null;
                }

                lengths[bit] = Lengths(desc);
                if (desc.HasNationalNumberPattern)
                {
                    nfa.Add(desc.NationalNumberPattern, bit);
                }
                else if (lengths[bit] != 0)
                {
                    // libphonenumber would test a missing pattern: not a shape seen in its metadata, not repeated here.
                    return null;
                }
            }

            if (metadata.HasLeadingDigits)
            {
                nfa.Add(metadata.LeadingDigits, Leading);
            }
        }
        catch (NotSupportedException)
        {
            return null;
        }

        return DigitDfa.TryBuild(nfa) is { } dfa ? new PhoneRegionCheck(dfa, lengths, metadata.SameMobileAndFixedLinePattern, metadata.HasLeadingDigits) : null;
    }

    /// <summary>The possible lengths as bits: all when none are listed; lengths outside 0–63 (such as -1, "none") set no bit.</summary>
    private static ulong Lengths(PhoneNumberDesc desc)
    {
        if (desc.PossibleLengthCount == 0)
        {
            return ulong.MaxValue;
        }

        var bits = 0UL;
        foreach (var length in desc.PossibleLengthList)
        {
            if (length is >= 0 and < 64)
            {
                bits |= 1UL << length;
            }
        }

        return bits;
    }

    /// <summary>
    /// Exactly <c>TypeOf(nsn) != UNKNOWN</c> (for at most <see cref="MaxLength"/> digits; longer: false, which the
    /// caller never asks): whether the general description and one of the descriptions that give a type match, with the
    /// same length tests; also whether a prefix matches the leading digits, as <see cref="TypeOf(ReadOnlySpan{char}, out bool)"/>.
    /// </summary>
    public bool IsKnown(ReadOnlySpan<char> nsn, out bool leadingDigitsMatch)
    {
        var matched = _dfa.Run(nsn, 1 << Leading, out var seen);
        leadingDigitsMatch = seen != 0;
        if ((uint)nsn.Length > MaxLength)
        {
            return false;
        }

        var m = matched & _admitted[nsn.Length];
        return (m & (1 << General)) != 0 && (m & _typeLabels) != 0;
    }

    /// <summary>Exactly libphonenumber's GetNumberTypeHelper(<paramref name="nsn"/>, this region's metadata).</summary>
    public PhoneNumberType TypeOf(ReadOnlySpan<char> nsn) => TypeOf(nsn, out _);

    /// <summary>
    /// <see cref="TypeOf(ReadOnlySpan{char})"/>, and whether a prefix of <paramref name="nsn"/> matches the region's
    /// leading-digits pattern (false when it has none).
    /// </summary>
    public PhoneNumberType TypeOf(ReadOnlySpan<char> nsn, out bool leadingDigitsMatch)
    {
        var matched = _dfa.Run(nsn, 1 << Leading, out var seen);
        leadingDigitsMatch = seen != 0;
        var length = nsn.Length;
        var lengthBit = length < 64 ? 1UL << length : 0;
        var lengths = _lengths;

        bool Matches(int bit) => (matched & (1 << bit)) != 0 && (lengths[bit] & lengthBit) != 0;

        if (!Matches(General))
        {
            return PhoneNumberType.UNKNOWN;
        }

        for (var bit = PremiumRate; bit <= Voicemail; bit++)
        {
            if (Matches(bit))
            {
                return SpecialTypes[bit - PremiumRate];
            }
        }

        if (Matches(FixedLine))
        {
            return _sameMobileAndFixedLine || Matches(Mobile) ? PhoneNumberType.FIXED_LINE_OR_MOBILE : PhoneNumberType.FIXED_LINE;
        }

        return !_sameMobileAndFixedLine && Matches(Mobile) ? PhoneNumberType.MOBILE : PhoneNumberType.UNKNOWN;
    }
}
