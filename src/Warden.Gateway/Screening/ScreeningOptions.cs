using System.Globalization;
using Microsoft.Extensions.Configuration;
using Warden.Core.Screening;

namespace Warden.Gateway.Screening;

/// <summary>
/// Settings for <c>POST /api/screen</c> (immutable snapshot, validated whole), bound from the
/// <c>Warden:Screening</c> configuration section: <c>Threshold</c>, <c>DefaultMode</c> (<c>delimit</c> |
/// <c>datamark</c>), <c>AllowedHosts</c> (array), <c>MaxContentChars</c> and <c>MaxDecodedBlobChars</c>.
/// </summary>
public sealed record ScreeningOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Warden:Screening";

    /// <summary>Injection decision threshold, in (0, 1].</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>Spotlighting mode used when the request does not name one.</summary>
    public SpotlightMode DefaultMode { get; init; } = SpotlightMode.Datamark;

    /// <summary>Hosts that images and links may send data to (bare host names; a leading "." allows subdomains).</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>Largest <c>content</c> accepted, in characters.</summary>
    public int MaxContentChars { get; init; } = 10 * 1024 * 1024;

    /// <summary>Encoded blobs (base64, hex) longer than this, in characters, are removed without being decoded.</summary>
    public int MaxDecodedBlobChars { get; init; } = new SanitizerOptions().MaxBlobChars;

    /// <summary>The sanitizer settings these options imply.</summary>
    public SanitizerOptions Sanitizer => new() { AllowedHosts = AllowedHosts, MaxBlobChars = MaxDecodedBlobChars };

    /// <summary>The detector settings these options imply.</summary>
    public InjectionDetectorOptions Detector => new() { Threshold = Threshold };

    /// <summary>Throws <see cref="ArgumentException"/> when any setting is out of range.</summary>
    public void Validate()
    {
        var errors = Problems();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors));
        }
    }

    /// <summary>Every problem with this snapshot (empty when valid).</summary>
    public IReadOnlyList<string> Problems()
    {
        var errors = new List<string>();
        if (double.IsNaN(Threshold) || Threshold is <= 0 or > 1)
        {
            errors.Add("Threshold must be in (0, 1]");
        }

        if (!Enum.IsDefined(DefaultMode))
        {
            errors.Add("DefaultMode must be delimit or datamark");
        }

        if (MaxContentChars < 1)
        {
            errors.Add("MaxContentChars must be positive");
        }

        var sanitizerDefaults = new SanitizerOptions();
        if (MaxDecodedBlobChars < sanitizerDefaults.MinBlobChars || MaxDecodedBlobChars > 16 * 1024 * 1024)
        {
            errors.Add($"MaxDecodedBlobChars must be between {sanitizerDefaults.MinBlobChars} and {16 * 1024 * 1024}");
        }

        try
        {
            new SanitizerOptions { AllowedHosts = AllowedHosts }.Validate();
        }
        catch (ArgumentException e)
        {
            errors.Add("AllowedHosts: " + e.Message);
        }

        return errors;
    }

    /// <summary>
    /// Binds <paramref name="section"/> (missing keys keep their defaults) and validates the result whole;
    /// throws <see cref="Hosting.WardenConfigurationException"/> listing every problem.
    /// </summary>
    public static ScreeningOptions Bind(IConfigurationSection? section)
    {
        var options = new ScreeningOptions();
        if (section is null || !section.Exists())
        {
            return options;
        }

        var errors = new List<string>();
        double? Number(string key)
        {
            var v = section[key];
            if (v is null)
            {
                return null;
            }

            if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            {
                return d;
            }

            errors.Add($"{key} must be a number");
            return null;
        }

        int? Integer(string key)
        {
            var v = section[key];
            if (v is null)
            {
                return null;
            }

            if (int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i))
            {
                return i;
            }

            errors.Add($"{key} must be an integer");
            return null;
        }

        var mode = section["DefaultMode"] switch
        {
            null => options.DefaultMode,
            var m when m.Equals("datamark", StringComparison.OrdinalIgnoreCase) => SpotlightMode.Datamark,
            var m when m.Equals("delimit", StringComparison.OrdinalIgnoreCase) => SpotlightMode.Delimit,
            _ => (SpotlightMode)(-1),
        };
        var hosts = section.GetSection("AllowedHosts");
        options = options with
        {
            Threshold = Number("Threshold") ?? options.Threshold,
            DefaultMode = mode,
            AllowedHosts = hosts.Exists()
                ? [.. hosts.GetChildren().Select(c => c.Value ?? string.Empty).Concat(hosts.Value is { Length: > 0 } v ? v.Split(',', StringSplitOptions.TrimEntries) : [])]
                : options.AllowedHosts,
            MaxContentChars = Integer("MaxContentChars") ?? options.MaxContentChars,
            MaxDecodedBlobChars = Integer("MaxDecodedBlobChars") ?? options.MaxDecodedBlobChars,
        };
        errors.AddRange(options.Problems());
        if (errors.Count > 0)
        {
            throw new Hosting.WardenConfigurationException([.. errors.Select(e => $"{SectionName}: {e}")]);
        }

        return options;
    }
}
