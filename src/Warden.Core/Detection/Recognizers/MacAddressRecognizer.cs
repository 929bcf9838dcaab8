using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Recognizers;

/// <summary>MAC_ADDRESS: six hex pairs separated by ':' or '-' (one separator throughout), or Cisco dotted triples.</summary>
internal sealed partial class MacAddressRecognizer() : RegexRecognizer("MacAddressRecognizer", EntityTypes.MacAddress, 0.8, ["mac", "hardware", "ethernet"])
{
    private static readonly System.Buffers.SearchValues<char> MacAnchors = System.Buffers.SearchValues.Create(":-.");
    private static readonly CharClass MacAlphabet = CharClass.Of("0123456789ABCDEFabcdef:-.");

    protected override System.Buffers.SearchValues<char> Anchors => MacAnchors;

    protected override CharClass Alphabet => MacAlphabet;

    protected override bool AnchorFollowed => true;

    protected override string AnchorChars => ":-.";

    protected override int MinLength => 14;

    protected override Regex Pattern => Mac();

    /// <summary>
    /// Every match has two ':' or '-' three characters apart (around a hex pair) or two dots five apart (around four hex
    /// digits): runs without either (phone numbers, versions, hyphenated words) skip the pattern. One pass over the run.
    /// </summary>
    protected override bool RunMayMatch(ReadOnlySpan<char> run)
    {
        for (var i = 0; i + 3 < run.Length; i++)
        {
            var c = run[i];
            if ((c is ':' or '-' && run[i + 3] is ':' or '-') || (c == '.' && i + 5 < run.Length && run[i + 5] == '.'))
            {
                return true;
            }
        }

        return false;
    }

    protected override bool Validate(string text, ref int start, ref int end, ref double score)
    {
        if (!Bounded(text, start, end) || (end < text.Length && text[end] is ':' or '-'))
        {
            return false;
        }

        var s = text.AsSpan(start, end - start);
        return s.Length == 14 || (s[2] == s[5] && s[5] == s[8] && s[8] == s[11] && s[11] == s[14]);
    }

    [GeneratedRegex(@"[0-9A-Fa-f]{2}(?:[:\-][0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Mac();
}
