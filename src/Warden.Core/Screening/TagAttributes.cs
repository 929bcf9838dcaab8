namespace Warden.Core.Screening;

/// <summary>The few attributes of a start tag that decide visibility and exfiltration (slices of the input).</summary>
internal ref struct TagAttributes
{
    public ReadOnlySpan<char> Style;
    public ReadOnlySpan<char> Alt;
    public ReadOnlySpan<char> Src;
    public ReadOnlySpan<char> Href;
    public ReadOnlySpan<char> Content;
    public ReadOnlySpan<char> Color;
    public ReadOnlySpan<char> Class;
    public ReadOnlySpan<char> Id;
    public bool HiddenAttribute;
    public bool AriaHidden;
    public bool ZeroBox;

    public void Set(ReadOnlySpan<char> name, ReadOnlySpan<char> value)
    {
        switch (name.Length)
        {
            case 2 when name.Equals("id", StringComparison.OrdinalIgnoreCase):
                Id = value;
                break;
            case 3 when name.Equals("alt", StringComparison.OrdinalIgnoreCase):
                Alt = value;
                break;
            case 3 when name.Equals("src", StringComparison.OrdinalIgnoreCase):
                Src = value;
                break;
            case 4 when name.Equals("href", StringComparison.OrdinalIgnoreCase):
                Href = value;
                break;
            case 5 when name.Equals("style", StringComparison.OrdinalIgnoreCase):
                Style = value;
                break;
            case 5 when name.Equals("color", StringComparison.OrdinalIgnoreCase):
                Color = value;
                break;
            case 5 when name.Equals("class", StringComparison.OrdinalIgnoreCase):
                Class = value;
                break;
            case 6 when name.Equals("hidden", StringComparison.OrdinalIgnoreCase):
                HiddenAttribute = !value.Equals("until-found", StringComparison.OrdinalIgnoreCase);
                break;
            case 7 when name.Equals("content", StringComparison.OrdinalIgnoreCase):
                Content = value;
                break;
            case 11 when name.Equals("aria-hidden", StringComparison.OrdinalIgnoreCase):
                AriaHidden = value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase);
                break;
            case 5 when name.Equals("width", StringComparison.OrdinalIgnoreCase):
            case 6 when name.Equals("height", StringComparison.OrdinalIgnoreCase):
                ZeroBox |= value.Trim() is "0" or "0px";
                break;
            default:
                break;
        }
    }

    public readonly FindingKind? HiddenKind()
    {
        if (HiddenAttribute)
        {
            return FindingKind.HtmlHiddenElement;
        }

        if (!Style.IsEmpty || !Color.IsEmpty)
        {
            var k = HtmlStyleInspector.Inspect(Style, Color);
            if (k is not null)
            {
                return k;
            }
        }

        if (AriaHidden)
        {
            return FindingKind.HtmlAriaHidden;
        }

        return ZeroBox ? FindingKind.HtmlZeroSizeText : null;
    }
}
