namespace Warden.Core.Screening;

internal sealed partial class HtmlStyleSheet
{
    /// <summary>A compound selector: an optional tag name, an optional id and any number of classes (<c>div.note#n1</c>).</summary>
    private sealed class Compound
    {
        private Compound(string? tag, string? id, string[] classes, FindingKind kind)
        {
            Tag = tag;
            Id = id;
            Classes = classes;
            Kind = kind;
        }

        public string? Tag { get; }

        public string? Id { get; }

        public string[] Classes { get; }

        public FindingKind Kind { get; }

        /// <summary>Parses <c>tag</c>, <c>.a.b</c>, <c>#id</c> and their combinations; null for anything else (or a bare <c>*</c>).</summary>
        public static Compound? Parse(ReadOnlySpan<char> s, FindingKind kind)
        {
            string? tag = null;
            string? id = null;
            var classes = new List<string>();
            var i = 0;
            if (i < s.Length && s[i] == '*')
            {
                i++;
            }
            else
            {
                var n = NameLength(s);
                if (n > 0)
                {
                    tag = s[..n].ToString().ToLowerInvariant();
                    i = n;
                }
            }

            while (i < s.Length)
            {
                var marker = s[i];
                if (marker is not ('.' or '#'))
                {
                    return null;
                }

                var n = NameLength(s[(i + 1)..]);
                if (n == 0)
                {
                    return null;
                }

                var name = s.Slice(i + 1, n).ToString();
                if (marker == '.')
                {
                    classes.Add(name);
                }
                else if (id is null)
                {
                    id = name;
                }
                else
                {
                    return null; // two ids never match one element
                }

                i += 1 + n;
            }

            return tag is null && id is null && classes.Count == 0 ? null : new Compound(tag, id, [.. classes], kind);
        }

        /// <summary>Whether an element with this tag name, id and class attribute matches (classes compared case-sensitively, as HTML does).</summary>
        public bool Matches(string tag, ReadOnlySpan<char> id, ReadOnlySpan<char> classAttribute)
        {
            if (Tag is not null && Tag != tag || Id is not null && !id.Trim().SequenceEqual(Id))
            {
                return false;
            }

            foreach (var c in Classes)
            {
                if (!HasClass(classAttribute, c))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool HasClass(ReadOnlySpan<char> attribute, string name)
        {
            foreach (var range in attribute.SplitAny(" \t\n\r\f"))
            {
                if (attribute[range].SequenceEqual(name))
                {
                    return true;
                }
            }

            return false;
        }

        private static int NameLength(ReadOnlySpan<char> s)
        {
            var n = 0;
            while (n < s.Length && (char.IsAsciiLetterOrDigit(s[n]) || s[n] is '-' or '_' || s[n] > 127))
            {
                n++;
            }

            return n;
        }
    }
}
