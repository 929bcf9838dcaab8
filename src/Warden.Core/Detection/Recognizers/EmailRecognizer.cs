using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Recognizers;

/// <summary>EMAIL_ADDRESS: local@domain.tld (RFC 5322 dot-atoms, no quoted local parts).</summary>
internal sealed partial class EmailRecognizer() : RegexRecognizer("EmailRecognizer", EntityTypes.EmailAddress, 0.9, ["email", "e-mail", "mail"])
{
    private static readonly System.Buffers.SearchValues<char> EmailAnchors = System.Buffers.SearchValues.Create("@");
    private static readonly CharClass EmailAlphabet = CharClass.Of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-@");

    protected override System.Buffers.SearchValues<char> Anchors => EmailAnchors;

    protected override CharClass Alphabet => EmailAlphabet;

    protected override int MinLength => 6;

    protected override Regex Pattern => Email();

    protected override bool Validate(string text, ref int start, ref int end, ref double score)
    {
        // Local part must not start/end with a dot; the TLD must be letters.
        if (text[start] == '.' || text[text.IndexOf('@', start) - 1] == '.')
        {
            return false;
        }

        return true;
    }

    [GeneratedRegex(@"[A-Za-z0-9_%+\-][A-Za-z0-9._%+\-]*@[A-Za-z0-9](?:[A-Za-z0-9\-]*\.)+[A-Za-z]{2,24}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Email();
}
