namespace Warden.Core.Screening;

/// <summary>Element handling: what an opening or closing tag does to visibility, links and images.</summary>
internal sealed partial class HtmlVisibleText
{
    private void Pop()
    {
        var e = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        if (e.HiddenKind is not null)
        {
            _hiddenDepth--;
            if (_hiddenDepth == 0)
            {
                FlushHidden();
            }
        }
        else if (e.Href is not null && !Hidden && !_markdown)
        {
            Append(" <");
            Append(e.Href);
            Append(">");
        }
    }

    private void HandleStartTag(string name, TagAttributes tag, int start, int end, bool selfClosing)
    {
        if (name == "meta")
        {
            if (!tag.Content.IsEmpty)
            {
                _findings.Add(FindingKind.HtmlMetaContent, start, end - start, "meta content");
                _findings.AddPayload(FindingKind.HtmlMetaContent, tag.Content);
            }

            return;
        }

        if (name == "img" || name == "image")
        {
            Image(tag, start, end);
            return;
        }

        if (BlockElements.Contains(name))
        {
            Newline();
        }

        if (VoidElements.Contains(name) || selfClosing || NonRendered.Contains(name))
        {
            return;
        }

        var own = tag.HiddenKind();
        var kind = own ?? SheetKind(name, tag);
        string? href = null;
        if (name == "a" && !tag.Href.IsEmpty && kind is null)
        {
            if (_urls.IsUnsafe(tag.Href, isImage: false, out var host))
            {
                _findings.Add(FindingKind.ExfiltrationUrl, start, end - start, "link to " + host);
            }
            else if (tag.Href.StartsWith("http", StringComparison.OrdinalIgnoreCase))
            {
                href = tag.Href.ToString();
            }
        }

        if (_stack.Count >= MaxDepth)
        {
            if (kind is not null)
            {
                _overflowHidden = true; // fail closed: everything after an unbounded hidden nest stays hidden
                _findings.Add(kind.Value, start, end - start, "<" + name + "> beyond depth limit");
            }

            return;
        }

        _stack.Add(new OpenElement(name, kind, href));
        if (kind is not null)
        {
            if (_hiddenDepth == 0)
            {
                _hiddenKind = kind.Value;
                _findings.Add(kind.Value, start, end - start, own is null ? "<" + name + "> by a stylesheet rule" : "<" + name + ">");
            }

            _hiddenDepth++;
        }
    }

    private void Image(TagAttributes tag, int start, int end)
    {
        if (Hidden)
        {
            return;
        }

        var alt = tag.Alt.Trim();
        if (!tag.Src.IsEmpty && _urls.IsUnsafe(tag.Src, isImage: true, out var host))
        {
            _findings.Add(FindingKind.ExfiltrationUrl, start, end - start, "image from " + host);
        }

        if (alt.Length > _findings.Options.MaxAltTextChars)
        {
            _findings.Add(FindingKind.AltTextStuffing, start, end - start, $"alt text of {alt.Length} chars");
            _findings.AddPayload(FindingKind.AltTextStuffing, alt);
            return;
        }

        if (!alt.IsEmpty && tag.HiddenKind() is null && SheetKind("img", tag) is null)
        {
            Append("[image: ");
            foreach (var ch in alt)
            {
                _out.Append(ch is '\r' or '\n' ? ' ' : ch);
            }

            Append("]");
        }
    }

    /// <summary>The hiding kind the page's own style sheets give an element (null: none, or no sheet with hiding rules yet).</summary>
    private FindingKind? SheetKind(string name, scoped in TagAttributes tag) =>
        _sheet is null || _sheet.IsEmpty ? null : _sheet.Match(name, tag.Id, tag.Class);

    private sealed record OpenElement(string Name, FindingKind? HiddenKind, string? Href);
}
