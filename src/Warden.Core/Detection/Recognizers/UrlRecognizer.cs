using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Recognizers;

/// <summary>URL: scheme URLs (http, https, ftp, ws, wss), <c>www.</c> hosts, and bare domains with a common TLD.</summary>
internal sealed partial class UrlRecognizer() : RegexRecognizer("UrlRecognizer", EntityTypes.Url, 0.6, ["url", "website", "link", "site", "domain"])
{
    private static readonly System.Buffers.SearchValues<char> UrlAnchors = System.Buffers.SearchValues.Create(".:");
    private static readonly CharClass UrlAlphabet = CharClass.NotWhiteSpaceOr("<>\"'`");

    protected override System.Buffers.SearchValues<char> Anchors => UrlAnchors;

    protected override CharClass Alphabet => UrlAlphabet;

    protected override bool AnchorFollowed => true;

    protected override int MinLength => 5;

    /// <summary>Every match has a scheme ("://") or a dot followed by a letter or digit (the TLD dot).</summary>
    protected override bool RunMayMatch(ReadOnlySpan<char> run)
    {
        if (run.Contains("://", StringComparison.Ordinal))
        {
            return true;
        }

        for (var i = run.IndexOf('.'); i >= 0 && i < run.Length - 1; i = run[(i + 1)..].IndexOf('.') is var j and >= 0 ? i + 1 + j : -1)
        {
            if (char.IsAsciiLetterOrDigit(run[i + 1]))
            {
                return true;
            }
        }

        return false;
    }

    protected override double ContextBoost => 0.2;

    protected override Regex Pattern => Url();

    protected override bool Validate(string text, ref int start, ref int end, ref double score)
    {
        if (start > 0 && (char.IsLetterOrDigit(text[start - 1]) || text[start - 1] is '@' or '.' or '-' or '_' or '/'))
        {
            return false;
        }

        // Trailing sentence punctuation is not part of the URL; a closing bracket only when unbalanced.
        while (end > start)
        {
            var c = text[end - 1];
            if (c is '.' or ',' or ';' or ':' or '!' or '?' or '\'' or '"' or '*')
            {
                end--;
                continue;
            }

            if (c is ')' or ']' or '}')
            {
                var open = c == ')' ? '(' : c == ']' ? '[' : '{';
                var s = text.AsSpan(start, end - start);
                if (s.Count(open) < s.Count(c))
                {
                    end--;
                    continue;
                }
            }

            break;
        }

        var span = text.AsSpan(start, end - start);
        var hasScheme = span.Contains("://", StringComparison.Ordinal);
        if (!hasScheme && end < text.Length && text[end] == '@')
        {
            return false; // the domain of an e-mail address
        }

        score = hasScheme || span.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? 0.85 : 0.55;
        return span.Length > 4;
    }

    [GeneratedRegex(@"(?:https?|ftp|wss?)://[^\s<>""'`]{2,}|(?:www\.)?[A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9][A-Za-z0-9\-]*)*\.(?:com|org|net|edu|gov|mil|int|info|biz|io|ai|co|app|dev|me|tv|us|uk|de|fr|nl|be|ch|at|it|es|pt|se|no|dk|fi|pl|cz|sk|hu|ro|bg|gr|tr|ru|ua|cn|jp|kr|in|au|nz|ca|br|mx|ar|cl|za|ie|is|il|sg|hk|tw|eu|ly|gl|cc|xyz|online|site|tech|cloud|uy|tn|si|hr|lt|lv|ee)(?:\.[a-z]{2})?(?::\d{2,5})?(?:/[^\s<>""'`]*)?", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Url();
}
