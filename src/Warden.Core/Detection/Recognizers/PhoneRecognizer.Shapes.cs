namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// Two decisions of <see cref="PhoneRecognizer"/> that libphonenumber cannot make: a bare digit run next to the name of
/// another identifier is that identifier, and a number written in the North American 3-3-4 layout after "+1" or "001" is
/// a phone number even when its area code is not assigned.
/// </summary>
internal sealed partial class PhoneRecognizer
{
    /// <summary>
    /// Score of a number that has the North American layout but that libphonenumber rejects (an unassigned or reserved area
    /// code such as 0xx, 1xx or 962): lower than any validated number, so a recognizer with stronger evidence wins an overlap.
    /// </summary>
    internal const double NanpLayoutScore = 0.5;

    /// <summary>
    /// Names of other numeric identifiers. A bare digit run (no separators, no '+') is reported as a phone only on context,
    /// and "number" is such context; "my driver's license number is 425700624" names a licence, not a phone.
    /// </summary>
    private static readonly ContextWords OtherIdentifierContext = new(
        ["license", "licence", "driver", "driving", "passport", "ssn", "social security", "nhs", "national insurance"]);

    /// <summary>libphonenumber's verdict score, or <see cref="NanpLayoutScore"/> for a rejected number in the strict layout.</summary>
    private static double OrLayoutScore(double verdict, ReadOnlySpan<char> main) =>
        verdict > 0 ? verdict : HasNanpLayout(main) ? NanpLayoutScore : 0;

    /// <summary>True when a bare digit run at [start, end) is next to the name of another identifier.</summary>
    private static bool NamesOtherIdentifier(string text, int start, int end) => OtherIdentifierContext.Near(text, start, end);

    /// <summary>
    /// The layout "+1" or "001", one separator (dash, dot or space), then groups of 3, 3 and 4 digits joined by that same
    /// separator, and nothing else (<paramref name="main"/> is the candidate without its extension). Only this strict
    /// layout: an invalid number in any looser shape is still not reported.
    /// </summary>
    internal static bool HasNanpLayout(ReadOnlySpan<char> main)
    {
        var prefix = main.StartsWith("+1") ? 2 : main.StartsWith("001") ? 3 : 0;
        if (prefix == 0 || main.Length != prefix + 13)
        {
            return false;
        }

        var separator = main[prefix];
        if (separator is not ('-' or '.' or ' '))
        {
            return false;
        }

        var groups = main[(prefix + 1)..];
        return groups[3] == separator && groups[7] == separator
            && !groups[..3].ContainsAnyExceptInRange('0', '9')
            && !groups[4..7].ContainsAnyExceptInRange('0', '9')
            && !groups[8..].ContainsAnyExceptInRange('0', '9');
    }
}
