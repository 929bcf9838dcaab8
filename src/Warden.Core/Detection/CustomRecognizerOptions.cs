using System.Text.RegularExpressions;

namespace Warden.Core.Detection;

/// <summary>
/// A pattern recognizer defined in configuration: a regex (compiled with <see cref="RegexOptions.NonBacktracking"/>,
/// so it runs in linear time whatever it says), an optional validator, context words and a score.
/// </summary>
public sealed record CustomRecognizerOptions
{
    public string Name { get; init; } = "";

    /// <summary>The reported entity type (upper-case identifier).</summary>
    public string EntityType { get; init; } = "";

    public string Pattern { get; init; } = "";

    /// <summary>Optional check on the match: <c>luhn</c>, <c>mod97</c> (IBAN-style), <c>nhs</c> (mod 11) or <c>none</c>.</summary>
    public string Validator { get; init; } = "none";

    public IReadOnlyList<string> Context { get; init; } = [];

    public double Score { get; init; } = 0.6;

    /// <summary>When true, matches without a context word are dropped.</summary>
    public bool RequireContext { get; init; }

    internal static IReadOnlyList<string> Validators { get; } = ["none", "luhn", "mod97", "nhs"];

    internal IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            yield return "Name is required";
        }

        if (!EntityTypes.IsValidName(EntityType))
        {
            yield return $"EntityType '{EntityType}' must be an upper-case identifier";
        }

        if (Score is < 0 or > 1 || double.IsNaN(Score))
        {
            yield return "Score must be within [0, 1]";
        }

        if (!Validators.Contains(Validator, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"Validator '{Validator}' is not one of {string.Join(", ", Validators)}";
        }

        string? error = null;
        if (string.IsNullOrEmpty(Pattern))
        {
            error = "Pattern is required";
        }
        else
        {
            try
            {
                _ = new Regex(Pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException ex)
            {
                error = $"Pattern is not a linear-time regex: {ex.Message}";
            }
            catch (NotSupportedException ex)
            {
                error = $"Pattern uses a construct without a linear-time form (lookaround, backreference, atomic group): {ex.Message}";
            }
        }

        if (error is not null)
        {
            yield return error;
        }
    }
}
