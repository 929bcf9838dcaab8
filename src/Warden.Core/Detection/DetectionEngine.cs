using Warden.Core.Detection.Names;
using Warden.Core.Detection.Recognizers;

namespace Warden.Core.Detection;

/// <summary>
/// Runs the recognizers over a text, applies the allow- and deny-lists and the score threshold, and
/// resolves overlaps. Thread-safe; build one per <see cref="DetectionOptions"/> snapshot and share it.
/// </summary>
public sealed class DetectionEngine
{
    private readonly IRecognizer[] _recognizers;
    private readonly HashSet<string> _allow;
    private readonly string[] _deny;

    /// <summary>Builds an engine; throws <see cref="ArgumentException"/> when <paramref name="options"/> are invalid.</summary>
    public DetectionEngine(DetectionOptions? options = null, IEnumerable<IRecognizer>? extraRecognizers = null)
    {
        Options = options ?? new DetectionOptions();
        Options.Validate();
        var list = new List<IRecognizer>
        {
            new EmailRecognizer(),
            new PhoneRecognizer(Options.PhoneRegions),
            new CreditCardRecognizer(),
            new IbanRecognizer(),
            new UsSsnRecognizer(),
            new IpAddressRecognizer(),
            new MacAddressRecognizer(),
            new UrlRecognizer(),
            new CryptoRecognizer(),
            new UsDriverLicenseRecognizer(),
            new UsPassportRecognizer(),
            new UkNhsRecognizer(),
            new UkNinoRecognizer(),
            new EsNifRecognizer(),
            new ItFiscalCodeRecognizer(),
            new PlPeselRecognizer(),
            new DateTimeRecognizer(),
            new SecretRecognizer(),
        };
        if (Options.NamedEntities)
        {
            list.Add(new NamedEntityRecognizer());
        }

        list.AddRange(Options.CustomRecognizers.Select(c => new CustomPatternRecognizer(c)));
        list.AddRange(extraRecognizers ?? []);
        _recognizers = [.. list];
        _allow = new HashSet<string>(Options.AllowList.Where(a => a.Length > 0), StringComparer.OrdinalIgnoreCase);
        _deny = Options.DenyList.Where(d => d.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        SupportedTypes = _recognizers.SelectMany(r => r.EntityTypes).Append(Options.DenyListType).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    public DetectionOptions Options { get; }

    /// <summary>The recognizers in the order they run (for benchmarks and tests).</summary>
    internal IReadOnlyList<IRecognizer> Recognizers => _recognizers;

    /// <summary>Every entity type some recognizer can report.</summary>
    public IReadOnlyList<string> SupportedTypes { get; }

    /// <summary>Finds entities in <paramref name="text"/>; <paramref name="entityTypes"/> (null = all) limits what is reported.</summary>
    public IReadOnlyList<Finding> Analyze(string text, IReadOnlyCollection<string>? entityTypes = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var raw = new List<Finding>();
        if (text.Length == 0)
        {
            return raw;
        }

        foreach (var r in _recognizers)
        {
            if (entityTypes is not null && !r.EntityTypes.Any(entityTypes.Contains))
            {
                continue;
            }

            r.Analyze(text, raw);
        }

        AddDenyHits(text, raw);
        var filtered = new List<Finding>(raw.Count);
        foreach (var f in raw)
        {
            if (f.Score < Options.MinScore || f.Start < 0 || f.End > text.Length || f.Length <= 0)
            {
                continue;
            }

            if (entityTypes is not null && !entityTypes.Contains(f.Type))
            {
                continue;
            }

            if (_allow.Count > 0 && _allow.GetAlternateLookup<ReadOnlySpan<char>>().Contains(text.AsSpan(f.Start, f.Length)))
            {
                continue;
            }

            filtered.Add(f);
        }

        return OverlapResolver.Resolve(filtered);
    }

    private void AddDenyHits(string text, List<Finding> results)
    {
        foreach (var d in _deny)
        {
            var from = 0;
            while (from < text.Length)
            {
                var i = text.AsSpan(from).IndexOf(d, StringComparison.OrdinalIgnoreCase);
                if (i < 0)
                {
                    break;
                }

                var s = from + i;
                results.Add(new Finding(Options.DenyListType, s, s + d.Length, 1.0, "DenyList"));
                from = s + d.Length;
            }
        }
    }
}
