namespace Warden.Core.Screening;

/// <summary>
/// The hiding rules of a page's own <c>&lt;style&gt;</c> sheets: rules whose declarations would make text invisible
/// (<see cref="HtmlStyleInspector"/>: <c>display:none</c>, <c>visibility:hidden</c>, zero size, white on white …) applied by
/// class, id or tag, as in <c>.note{display:none}</c> … <c>&lt;div class="note"&gt;</c>. One linear pass per sheet, bounded.
/// </summary>
/// <remarks>
/// Only selectors of one compound (<c>.note</c>, <c>#n1</c>, <c>div.note</c>, <c>span</c>) are read: a rule with a combinator
/// (<c>.menu li</c>) hides part of the page only, and hiding every match of its last part would take visible text away.
/// Rules with pseudo-classes or attribute selectors (<c>.x:hover</c>, <c>[data-x]</c>), rules inside <c>@media print</c> (or
/// other at-rules that are not <c>@media</c>, <c>@supports</c>, <c>@layer</c> or <c>@container</c>), and colour rules without
/// a background are skipped. A later rule that shows the element again (<c>.d-none</c> then <c>.d-md-block</c>) is not
/// weighed: the element stays hidden, which fails closed (its text is a hidden payload and is screened). A sheet applies to
/// the elements after it (one pass); external sheets and scripts are not read.
/// </remarks>
internal sealed partial class HtmlStyleSheet
{
    /// <summary>At most this many hiding selectors are kept; later ones are ignored.</summary>
    public const int MaxSelectors = 512;

    /// <summary>At most this many characters of each sheet are read.</summary>
    public const int MaxSheetChars = 256 * 1024;

    /// <summary>At most this many classes of one element are looked up.</summary>
    private const int MaxClassesPerElement = 16;

    /// <summary>Pseudo-classes, pseudo-elements and attribute selectors: such a rule does not hide an element on screen by itself.</summary>
    private static readonly System.Buffers.SearchValues<char> NotSimple = System.Buffers.SearchValues.Create(":[()");

    /// <summary>Descendant, child and sibling combinators (whitespace inside a trimmed selector is a descendant combinator).</summary>
    private static readonly System.Buffers.SearchValues<char> Combinators = System.Buffers.SearchValues.Create(" \t\n\r\f>+~");

    private readonly Dictionary<string, List<Compound>> _byClass = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Compound>> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Compound>> _byTag = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>True when no hiding rule has been read.</summary>
    public bool IsEmpty => _count == 0;

    /// <summary>Reads one sheet's hiding rules (adds to those of earlier sheets).</summary>
    public void Add(ReadOnlySpan<char> css)
    {
        css = css[..Math.Min(css.Length, MaxSheetChars)];
        var i = 0;
        var depth = 0; // open @media/@supports/@layer/@container blocks
        while (i < css.Length && _count < MaxSelectors)
        {
            i = SkipSpaceAndComments(css, i);
            if (i >= css.Length)
            {
                break;
            }

            if (css[i] == '}')
            {
                depth = Math.Max(0, depth - 1);
                i++;
                continue;
            }

            var open = NextOf(css, i, '{', ';');
            if (open < 0)
            {
                break;
            }

            var prelude = css[i..open];
            if (css[open] == ';')
            {
                i = open + 1; // @import, @charset or a stray declaration
                continue;
            }

            if (prelude.Length > 0 && prelude[0] == '@')
            {
                if (EntersBlock(prelude))
                {
                    depth++;
                    i = open + 1;
                }
                else
                {
                    i = SkipBlock(css, open);
                }

                continue;
            }

            var close = css[(open + 1)..].IndexOf('}');
            var end = close < 0 ? css.Length : open + 1 + close;
            var declarations = css[(open + 1)..end];
            var kind = HtmlStyleInspector.Inspect(declarations, default);

            // Colour alone says nothing in a sheet: ".text-white{color:#fff}" sits on a dark background set elsewhere. Only a rule
            // that sets the background too (to the same colour) hides text.
            if (kind == FindingKind.HtmlLowContrastText && !declarations.Contains("background", StringComparison.OrdinalIgnoreCase))
            {
                kind = null;
            }

            if (kind is not null)
            {
                AddSelectors(prelude, kind.Value);
            }

            i = Math.Min(css.Length, end + 1);
        }
    }

    /// <summary>The hiding kind of the first rule that matches an element, or null.</summary>
    public FindingKind? Match(string tag, ReadOnlySpan<char> id, ReadOnlySpan<char> classes)
    {
        if (_count == 0)
        {
            return null;
        }

        if (!id.IsEmpty && _byId.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(id.Trim(), out var byId) && First(byId, tag, id, classes) is { } k1)
        {
            return k1;
        }

        var lookup = _byClass.GetAlternateLookup<ReadOnlySpan<char>>();
        var seen = 0;
        foreach (var range in classes.SplitAny(" \t\n\r\f"))
        {
            var c = classes[range];
            if (c.IsEmpty)
            {
                continue;
            }

            if (++seen > MaxClassesPerElement)
            {
                break;
            }

            if (lookup.TryGetValue(c, out var byClass) && First(byClass, tag, id, classes) is { } k2)
            {
                return k2;
            }
        }

        return _byTag.TryGetValue(tag, out var byTag) ? First(byTag, tag, id, classes) : null;
    }

    private static FindingKind? First(List<Compound> candidates, string tag, ReadOnlySpan<char> id, ReadOnlySpan<char> classes)
    {
        foreach (var c in candidates)
        {
            if (c.Matches(tag, id, classes))
            {
                return c.Kind;
            }
        }

        return null;
    }

    private void AddSelectors(ReadOnlySpan<char> selectors, FindingKind kind)
    {
        foreach (var range in selectors.Split(','))
        {
            var selector = selectors[range].Trim();
            if (selector.IsEmpty || selector.IndexOfAny(NotSimple) >= 0 || _count >= MaxSelectors)
            {
                continue;
            }

            // One compound only: ".menu li{display:none}" hides the items of one menu, and hiding every <li> of the page instead
            // would take visible text away from the reader.
            if (selector.IndexOfAny(Combinators) >= 0)
            {
                continue;
            }

            var compound = Compound.Parse(selector, kind);
            if (compound is null)
            {
                continue;
            }

            var (map, key) = compound.Id is not null ? (_byId, compound.Id)
                : compound.Classes.Length > 0 ? (_byClass, compound.Classes[0])
                : compound.Tag is not null ? (_byTag, compound.Tag)
                : (null, null);
            if (map is null || key is null)
            {
                continue; // "*" alone: would hide the whole page; not a way to hide one instruction
            }

            if (!map.TryGetValue(key, out var list))
            {
                map[key] = list = [];
            }

            list.Add(compound);
            _count++;
        }
    }

    private static bool EntersBlock(ReadOnlySpan<char> prelude)
    {
        var media = prelude.StartsWith("@media", StringComparison.OrdinalIgnoreCase);
        if (media)
        {
            // Print and speech sheets hide nothing on screen.
            return !prelude.Contains("print", StringComparison.OrdinalIgnoreCase) && !prelude.Contains("speech", StringComparison.OrdinalIgnoreCase);
        }

        return prelude.StartsWith("@supports", StringComparison.OrdinalIgnoreCase) || prelude.StartsWith("@layer", StringComparison.OrdinalIgnoreCase)
            || prelude.StartsWith("@container", StringComparison.OrdinalIgnoreCase);
    }

    private static int SkipBlock(ReadOnlySpan<char> css, int open)
    {
        var depth = 0;
        for (var k = open; k < css.Length; k++)
        {
            if (css[k] == '{')
            {
                depth++;
            }
            else if (css[k] == '}' && --depth == 0)
            {
                return k + 1;
            }
        }

        return css.Length;
    }

    private static int SkipSpaceAndComments(ReadOnlySpan<char> css, int i)
    {
        while (i < css.Length)
        {
            if (char.IsWhiteSpace(css[i]))
            {
                i++;
            }
            else if (css[i] == '/' && i + 1 < css.Length && css[i + 1] == '*')
            {
                var end = css[(i + 2)..].IndexOf("*/", StringComparison.Ordinal);
                i = end < 0 ? css.Length : i + 2 + end + 2;
            }
            else if (css[i] is '<' or '-' && (css[i..].StartsWith("<!--", StringComparison.Ordinal) || css[i..].StartsWith("-->", StringComparison.Ordinal)))
            {
                i += css[i] == '<' ? 4 : 3; // the HTML comment guards old pages put around a sheet
            }
            else
            {
                break;
            }
        }

        return i;
    }

    private static int NextOf(ReadOnlySpan<char> css, int from, char a, char b)
    {
        var k = css[from..].IndexOfAny(a, b);
        return k < 0 ? -1 : from + k;
    }
}
