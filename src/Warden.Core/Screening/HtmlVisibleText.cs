using System.Buffers;
using System.Text;

namespace Warden.Core.Screening;

/// <summary>
/// A hand-written, single-pass HTML tokenizer that keeps only what a reader would see. No regular
/// expressions and no recursion: the open-element stack is an explicit, bounded list, every character is
/// visited a constant number of times, and hidden text goes to a bounded side buffer for screening.
/// </summary>
internal sealed partial class HtmlVisibleText
{
    private const int MaxDepth = 512;

    private static readonly HashSet<string> VoidElements = new(StringComparer.Ordinal)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    };

    private static readonly HashSet<string> BlockElements = new(StringComparer.Ordinal)
    {
        "p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header",
        "footer", "blockquote", "pre", "table", "ul", "ol", "hr", "title", "main", "nav", "aside", "dt", "dd", "figcaption",
    };

    private static readonly HashSet<string> NonRendered = new(StringComparer.Ordinal)
    {
        "script", "style", "template", "noscript", "iframe", "noembed", "noframes", "xmp", "object",
    };

    private static readonly Dictionary<string, string> KnownNames = VoidElements.Concat(BlockElements).Concat(NonRendered).Concat(
        [
            "a", "abbr", "address", "audio", "b", "big", "body", "button", "canvas", "caption", "center", "cite", "code", "details",
            "dl", "em", "fieldset", "figure", "font", "form", "head", "html", "i", "image", "label", "legend", "mark", "option", "picture",
            "q", "s", "select", "small", "span", "strong", "sub", "summary", "sup", "svg", "tbody", "textarea", "tfoot", "thead", "time", "u", "video",
        ]).Distinct().ToDictionary(n => n, n => n, StringComparer.Ordinal);

    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> KnownNameLookup =
        KnownNames.GetAlternateLookup<ReadOnlySpan<char>>();

    private readonly string _html;
    private readonly bool _markdown;
    private readonly FindingCollector _findings;
    private readonly UrlGuard _urls;
    private readonly StringBuilder _out;
    private readonly StringBuilder _hidden = new();
    private readonly List<OpenElement> _stack = [];
    private int _hiddenDepth;
    private FindingKind _hiddenKind;
    private bool _overflowHidden;

    /// <summary>Hiding rules of the page's own style sheets read so far (null until the first <c>&lt;style&gt;</c>).</summary>
    private HtmlStyleSheet? _sheet;

    private HtmlVisibleText(string html, bool markdown, FindingCollector findings, UrlGuard urls)
    {
        _html = html;
        _markdown = markdown;
        _findings = findings;
        _urls = urls;
        _out = new StringBuilder(html.Length);
    }

    /// <summary>Extracts visible text. In <paramref name="markdown"/> mode text keeps its whitespace and layout.</summary>
    public static string Extract(string html, bool markdown, FindingCollector findings, UrlGuard urls)
    {
        var x = new HtmlVisibleText(html, markdown, findings, urls);
        x.Run();
        return x._out.ToString();
    }

    private bool Hidden => _hiddenDepth > 0 || _overflowHidden;

    private void Run()
    {
        var s = _html;
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '<' && i + 1 < s.Length)
            {
                var n = s[i + 1];
                if (n == '!')
                {
                    i = Bang(i);
                    continue;
                }

                if (n == '?')
                {
                    i = SkipPast(i, '>');
                    continue;
                }

                if (n == '/' && i + 2 < s.Length && char.IsAsciiLetter(s[i + 2]))
                {
                    i = EndTag(i);
                    continue;
                }

                if (char.IsAsciiLetter(n))
                {
                    i = StartTag(i);
                    continue;
                }
            }

            if (c == '&')
            {
                i = Entity(i);
                continue;
            }

            // A run of text without markup, entities or whitespace goes out in one piece (vectorised scan).
            var run = s.AsSpan(i).IndexOfAnyExcept(PlainAscii);
            if (run != 0)
            {
                var len = run < 0 ? s.Length - i : run;
                EmitRun(s.AsSpan(i, len));
                i += len;
                continue;
            }

            EmitChar(c);
            i++;
        }

        FlushHidden();
    }

    /// <summary>
    /// ASCII that goes out unchanged: not markup, an entity or whitespace. A run of it ends at anything else
    /// (non-ASCII included), which <see cref="EmitChar"/> then handles one by one.
    /// </summary>
    private static readonly SearchValues<char> PlainAscii = SearchValues.Create(
        [.. Enumerable.Range(0, 128).Select(c => (char)c).Where(c => c is not ('<' or '&') && !char.IsWhiteSpace(c))]);

    private int SkipPast(int i, char end)
    {
        var e = _html.IndexOf(end, i);
        return e < 0 ? _html.Length : e + 1;
    }

    private int Bang(int i)
    {
        if (string.CompareOrdinal(_html, i, "<!--", 0, 4) == 0)
        {
            var end = _html.IndexOf("-->", i + 4, StringComparison.Ordinal);
            var stop = end < 0 ? _html.Length : end;
            _findings.Add(FindingKind.HtmlComment, i, (end < 0 ? _html.Length : end + 3) - i, "comment");
            _findings.AddPayload(FindingKind.HtmlComment, _html.AsSpan(i + 4, Math.Max(0, stop - i - 4)));
            return end < 0 ? _html.Length : end + 3;
        }

        if (string.CompareOrdinal(_html, i, "<![CDATA[", 0, 9) == 0)
        {
            var end = _html.IndexOf("]]>", i + 9, StringComparison.Ordinal);
            var stop = end < 0 ? _html.Length : end;
            for (var k = i + 9; k < stop; k++)
            {
                EmitChar(_html[k]);
            }

            return end < 0 ? _html.Length : end + 3;
        }

        return SkipPast(i, '>'); // doctype and friends
    }

    private int ReadName(int i, out string name)
    {
        var start = i;
        while (i < _html.Length && (char.IsAsciiLetterOrDigit(_html[i]) || _html[i] is '-' or ':' or '_'))
        {
            i++;
        }

        // Names are ASCII (see the loop above): a known one comes lower-cased from the table, without allocating.
        var raw = _html.AsSpan(start, i - start);
        Span<char> lower = stackalloc char[16];
        if (raw.Length <= lower.Length && Ascii.ToLower(raw, lower, out var written) == OperationStatus.Done
            && KnownNameLookup.TryGetValue(lower[..written], out var known))
        {
            name = known;
            return i;
        }

        name = raw.ToString().ToLowerInvariant();
        return i;
    }

    private int EndTag(int i)
    {
        var after = ReadName(i + 2, out var name);
        var end = SkipPast(after, '>');
        for (var k = _stack.Count - 1; k >= 0 && k >= _stack.Count - MaxDepth; k--)
        {
            if (_stack[k].Name == name)
            {
                while (_stack.Count > k)
                {
                    Pop();
                }

                break;
            }
        }

        if (BlockElements.Contains(name))
        {
            Newline();
        }

        return end;
    }

    private int StartTag(int i)
    {
        var p = ReadName(i + 1, out var name);
        var tag = new TagAttributes();
        var s = _html;
        var selfClosing = false;
        while (p < s.Length)
        {
            var c = s[p];
            if (c == '>')
            {
                p++;
                break;
            }

            if (c == '/' && p + 1 < s.Length && s[p + 1] == '>')
            {
                selfClosing = true;
                p += 2;
                break;
            }

            if (char.IsWhiteSpace(c) || c == '/')
            {
                p++;
                continue;
            }

            var nameStart = p;
            while (p < s.Length && !char.IsWhiteSpace(s[p]) && s[p] is not ('=' or '>' or '/'))
            {
                p++;
            }

            var attrName = s.AsSpan(nameStart, p - nameStart);
            while (p < s.Length && char.IsWhiteSpace(s[p]))
            {
                p++;
            }

            ReadOnlySpan<char> value = default;
            if (p < s.Length && s[p] == '=')
            {
                p++;
                while (p < s.Length && char.IsWhiteSpace(s[p]))
                {
                    p++;
                }

                if (p < s.Length && s[p] is '"' or '\'')
                {
                    var q = s.IndexOf(s[p], p + 1);
                    var stop = q < 0 ? s.Length : q;
                    value = s.AsSpan(p + 1, stop - p - 1);
                    p = q < 0 ? s.Length : q + 1;
                }
                else
                {
                    var vs = p;
                    while (p < s.Length && !char.IsWhiteSpace(s[p]) && s[p] != '>')
                    {
                        p++;
                    }

                    value = s.AsSpan(vs, p - vs);
                }
            }

            tag.Set(attrName, value);
        }

        HandleStartTag(name, tag, i, p, selfClosing);
        return NonRendered.Contains(name) && !selfClosing ? SkipRawText(name, i, p) : p;
    }

    private int SkipRawText(string name, int tagStart, int contentStart)
    {
        var s = _html;
        var k = contentStart;
        var end = s.Length;
        var resume = s.Length;
        while (k < s.Length)
        {
            var lt = s.IndexOf("</", k, StringComparison.Ordinal);
            if (lt < 0)
            {
                break;
            }

            if (lt + 2 + name.Length <= s.Length && s.AsSpan(lt + 2, name.Length).Equals(name, StringComparison.OrdinalIgnoreCase)
                && (lt + 2 + name.Length == s.Length || !char.IsAsciiLetterOrDigit(s[lt + 2 + name.Length])))
            {
                end = lt;
                resume = SkipPast(lt, '>');
                break;
            }

            k = lt + 2;
        }

        _findings.Add(FindingKind.HtmlNonRenderedElement, tagStart, resume - tagStart, "<" + name + ">");
        if (name == "style")
        {
            _sheet ??= new HtmlStyleSheet();
            _sheet.Add(s.AsSpan(contentStart, end - contentStart));
        }

        if (name is "template" or "noscript" or "noembed" or "noframes" or "xmp")
        {
            _findings.AddPayload(FindingKind.HtmlNonRenderedElement, s.AsSpan(contentStart, end - contentStart));
        }

        return resume;
    }

    private int Entity(int i)
    {
        var s = _html;
        var semi = s.IndexOf(';', i + 1, Math.Min(12, s.Length - i - 1));
        if (semi < 0)
        {
            EmitChar('&');
            return i + 1;
        }

        var name = s.AsSpan(i + 1, semi - i - 1);
        if (HtmlEntities.TryDecode(name, out var decoded))
        {
            foreach (var ch in decoded)
            {
                EmitChar(ch);
            }

            return semi + 1;
        }

        EmitChar('&');
        return i + 1;
    }
}
