using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Warden.Scanner.Versioning;

/// <summary>
/// An OpenClaw (formerly Clawdbot / Moltbot) release number. Releases are calendar versions
/// <c>YYYY.M.D</c>, optionally followed by <c>-N</c> for a same-day re-release (e.g. <c>2026.2.21-2</c>,
/// which sorts after <c>2026.2.21</c>) or by a pre-release tag (e.g. <c>2026.3.1-beta.1</c>, which sorts
/// before <c>2026.3.1</c>). A leading <c>v</c> is accepted.
/// </summary>
internal sealed class OpenClawVersion : IComparable<OpenClawVersion>, IEquatable<OpenClawVersion>
{
    private OpenClawVersion(int year, int month, int day, int revision, string? preRelease, string text)
    {
        Year = year;
        Month = month;
        Day = day;
        Revision = revision;
        PreRelease = preRelease;
        Text = text;
    }

    /// <summary>Calendar year part.</summary>
    public int Year { get; }

    /// <summary>Month part.</summary>
    public int Month { get; }

    /// <summary>Day part.</summary>
    public int Day { get; }

    /// <summary>Same-day re-release number (<c>-2</c> gives 2), 0 when absent.</summary>
    public int Revision { get; }

    /// <summary>Pre-release tag (e.g. <c>beta.1</c>), or null for a release.</summary>
    public string? PreRelease { get; }

    /// <summary>The normalised text, without a leading <c>v</c>.</summary>
    public string Text { get; }

    /// <summary>Parses a version; throws <see cref="FormatException"/> when it is not one.</summary>
    public static OpenClawVersion Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not an OpenClaw version (YYYY.M.D[-N])");

    /// <summary>Parses a version such as <c>2026.1.29</c>, <c>v2026.2.21-2</c> or <c>2026.3.1-beta.1</c>.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out OpenClawVersion? version)
    {
        version = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (s.StartsWith('v') || s.StartsWith('V'))
        {
            s = s[1..];
        }

        if (s.Length > 64)
        {
            return false;
        }

        string core = s;
        string? suffix = null;
        var dash = s.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0)
        {
            core = s[..dash];
            suffix = s[(dash + 1)..];
            if (suffix.Length == 0)
            {
                return false;
            }
        }

        var parts = core.Split('.');
        if (parts.Length != 3
            || !TryPart(parts[0], 4, out var year) || year < 2000
            || !TryPart(parts[1], 2, out var month) || month is < 1 or > 12
            || !TryPart(parts[2], 2, out var day) || day is < 1 or > 31)
        {
            return false;
        }

        var revision = 0;
        string? pre = null;
        if (suffix is not null)
        {
            if (TryPart(suffix, 4, out var rev))
            {
                revision = rev;
            }
            else if (IsPreReleaseTag(suffix))
            {
                pre = suffix;
            }
            else
            {
                return false;
            }
        }

        var normalized = string.Create(CultureInfo.InvariantCulture, $"{year}.{month}.{day}") + (suffix is null ? string.Empty : "-" + suffix);
        version = new OpenClawVersion(year, month, day, revision, pre, normalized);
        return true;
    }

    private static bool TryPart(string part, int maxDigits, out int value)
    {
        value = 0;
        if (part.Length == 0 || part.Length > maxDigits)
        {
            return false;
        }

        foreach (var c in part)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool IsPreReleaseTag(string tag)
    {
        if (tag[0] is < 'a' or > 'z' and (< 'A' or > 'Z'))
        {
            return false;
        }

        foreach (var c in tag)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public int CompareTo(OpenClawVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = Year.CompareTo(other.Year);
        if (c == 0) c = Month.CompareTo(other.Month);
        if (c == 0) c = Day.CompareTo(other.Day);
        if (c != 0)
        {
            return c;
        }

        // Pre-release < release < re-release (-1, -2, ...).
        if (PreRelease is not null || other.PreRelease is not null)
        {
            if (PreRelease is null) return 1;
            if (other.PreRelease is null) return -1;
            return string.CompareOrdinal(PreRelease, other.PreRelease);
        }

        return Revision.CompareTo(other.Revision);
    }

    /// <inheritdoc />
    public bool Equals(OpenClawVersion? other) => other is not null && CompareTo(other) == 0;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is OpenClawVersion v && Equals(v);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Year, Month, Day, Revision, PreRelease);

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>Less-than.</summary>
    public static bool operator <(OpenClawVersion left, OpenClawVersion right) => left.CompareTo(right) < 0;

    /// <summary>Greater-than.</summary>
    public static bool operator >(OpenClawVersion left, OpenClawVersion right) => left.CompareTo(right) > 0;

    /// <summary>Less-or-equal.</summary>
    public static bool operator <=(OpenClawVersion left, OpenClawVersion right) => left.CompareTo(right) <= 0;

    /// <summary>Greater-or-equal.</summary>
    public static bool operator >=(OpenClawVersion left, OpenClawVersion right) => left.CompareTo(right) >= 0;

    /// <summary>Equality.</summary>
    public static bool operator ==(OpenClawVersion? left, OpenClawVersion? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(OpenClawVersion? left, OpenClawVersion? right) => !(left == right);
}
