namespace Warden.Core.Detection;

/// <summary>
/// The engine's configuration: an immutable snapshot validated whole by <see cref="Validate"/>.
/// Allow-listed strings are never reported; deny-listed strings are always reported (as <see cref="DenyListType"/>).
/// </summary>
public sealed record DetectionOptions
{
    /// <summary>Findings scoring below this are dropped.</summary>
    public double MinScore { get; init; } = 0.35;

    /// <summary>Exact values (case-insensitive) that are never reported, e.g. a support address.</summary>
    public IReadOnlyList<string> AllowList { get; init; } = [];

    /// <summary>Exact values (case-insensitive) that are always reported.</summary>
    public IReadOnlyList<string> DenyList { get; init; } = [];

    /// <summary>The type reported for deny-list hits.</summary>
    public string DenyListType { get; init; } = "DENY_LIST";

    /// <summary>Regions tried for phone numbers without an international prefix (ISO 3166 alpha-2); empty means the defaults.</summary>
    public IReadOnlyList<string> PhoneRegions { get; init; } = [];

    /// <summary>Whether PERSON, LOCATION and ORGANIZATION detection (gazetteers) is enabled.</summary>
    public bool NamedEntities { get; init; } = true;

    /// <summary>Pattern recognizers added from configuration without code changes.</summary>
    public IReadOnlyList<CustomRecognizerOptions> CustomRecognizers { get; init; } = [];

    /// <summary>Throws <see cref="ArgumentException"/> with every problem when the snapshot is invalid.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (MinScore is < 0 or > 1 || double.IsNaN(MinScore))
        {
            errors.Add("MinScore must be within [0, 1]");
        }

        if (!EntityTypes.IsValidName(DenyListType))
        {
            errors.Add($"DenyListType '{DenyListType}' must be an upper-case identifier");
        }

        foreach (var r in PhoneRegions)
        {
            if (r.Length != 2 || !char.IsAsciiLetterUpper(r[0]) || !char.IsAsciiLetterUpper(r[1]))
            {
                errors.Add($"phone region '{r}' must be an upper-case ISO 3166 alpha-2 code");
            }
        }

        for (var i = 0; i < CustomRecognizers.Count; i++)
        {
            errors.AddRange(CustomRecognizers[i].Problems().Select(p => $"CustomRecognizers[{i}]: {p}"));
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid detection options: " + string.Join("; ", errors));
        }
    }
}
