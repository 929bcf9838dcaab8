using System.Collections.Frozen;

namespace Warden.Core.Detection.Names;

/// <summary>Small closed word lists used by the named-entity rules (titles, particles, legal forms, prepositions).</summary>
internal static class NameLexicon
{
    public static readonly WordSet Titles = Set("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "madam", "dame", "lord", "lady", "mister", "señor", "senor", "señora", "herr", "frau", "monsieur", "madame", "signor", "signora", "rev", "capt", "captain", "sgt", "officer", "judge", "uncle", "aunt");

    public static readonly WordSet Particles = Set("van", "der", "den", "de", "von", "di", "da", "du", "del", "della", "la", "le", "bin", "binti", "al", "el", "dos", "das", "ter", "ten", "zu", "y", "st");

    public static readonly WordSet OrgSuffixes = Set("ltd", "limited", "inc", "incorporated", "llc", "llp", "plc", "group", "corp", "corporation", "company", "co", "gmbh", "ag", "sa", "bv", "nv", "ab", "asa", "oy", "spa", "srl", "sarl", "holdings", "partners", "associates", "foundation", "institute", "university", "bank", "technologies", "technology", "solutions", "systems", "services", "labs", "software", "industries", "enterprises", "consulting", "capital", "ventures", "media", "networks", "pharmaceuticals", "motors", "airlines", "insurance", "health", "healthcare", "analytics", "logistics", "international", "agency", "studios", "trust", "bancorp", "financial", "energy", "communications", "global", "digital", "college", "school", "hospital", "clinic", "council", "ministry", "department", "committee", "association", "society", "club", "union", "app", "partnership");

    public static readonly WordSet OrgCues = Set("works", "work", "worked", "working", "employed", "employer", "company", "firm", "joined", "join", "hired", "startup", "organization", "organisation", "corporation", "brand", "vendor", "client", "customer", "partner", "subsidiary", "acquired", "ceo", "cto", "founder", "founded", "intern", "interned", "contractor", "recorded", "became", "spent", "office", "meet", "brainchild", "invested", "celebrating", "sponsored", "acquisition", "address");

    public static readonly WordSet LocationCues = Set("in", "at", "from", "to", "near", "visit", "visiting", "visited", "towards", "toward", "into", "around", "across", "via", "city", "town", "village", "moved", "live", "lives", "lived", "living", "born", "based", "arrived", "travel", "traveled", "travelled", "flight", "fly", "flew", "trip", "capital", "country", "outside", "downtown", "north", "south", "east", "west", "of");

    public static readonly WordSet PersonCues = Set("name", "named", "called", "dear", "hi", "hello", "hey", "thanks", "thank", "regards", "sincerely", "tell", "told", "ask", "asked", "meet", "met", "married", "wife", "husband", "son", "daughter", "mother", "father", "brother", "sister", "friend", "colleague", "boss", "manager", "patient", "doctor", "client", "starring", "directed", "by", "with", "and", "to", "said", "says", "like", "fan", "guardian", "tribute", "unlike", "than", "cc", "contact", "signed", "sent", "attn", "employee", "user", "member", "mom", "dad", "partner", "nephew", "niece", "cousin", "grandma", "grandpa");

    /// <summary>Given names that are frequent in text because they are names (not English words): john, mary, …</summary>
    public static readonly WordSet CommonGivenNames = Set("john", "william", "james", "david", "thomas", "robert", "michael", "paul", "george", "charles", "mary", "peter", "henry", "richard", "edward", "joseph", "louis", "elizabeth", "anne", "anna", "maria", "daniel", "andrew", "alexander", "christopher", "anthony", "steven", "kevin", "brian", "jason", "matthew", "sarah", "jennifer", "jessica", "laura", "linda", "susan", "karen", "nancy", "lisa", "betty", "helen", "sandra", "donna", "carol", "ruth", "sharon", "michelle", "kimberly", "emily", "joshua", "ryan", "jacob", "nicholas", "eric", "stephen", "jonathan", "larry", "justin", "scott", "brandon", "benjamin", "samuel", "gregory", "patrick", "jack", "dennis", "jerry", "tyler", "aaron", "jose", "adam", "nathan", "henry", "douglas", "zachary", "kyle", "walter", "ethan", "jeremy", "harold", "keith", "christian", "roger", "noah", "gerald", "carl", "terry", "sean", "austin", "arthur", "lawrence", "jesse", "dylan", "bryan", "joe", "jordan", "billy", "bruce", "albert", "willie", "gabriel", "logan", "alan", "juan", "wayne", "roy", "ralph", "randy", "eugene", "vincent", "russell", "elijah", "louis", "bobby", "philip", "johnny");

    public static readonly WordSet NotNames = Set("i", "a", "an", "the", "and", "or", "but", "if", "is", "it", "in", "on", "at", "to", "of", "for", "my", "me", "we", "he", "she", "you", "they", "his", "her", "our", "your", "this", "that", "these", "those", "what", "when", "where", "who", "why", "how", "please", "hello", "hi", "dear", "thanks", "yes", "no", "ok", "okay", "street", "avenue", "road", "suite", "apt", "unit", "box", "city", "state", "country", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "god", "lord", "mr", "mrs", "ms", "dr", "will", "can", "email", "phone", "fax", "tel", "name", "address", "card", "number", "account");

    public static readonly WordSet PersonSuffixes = Set("jr", "sr", "phd", "md", "dds", "dvm", "ii", "iii", "iv", "esq", "mba", "cpa", "rn");

    public static readonly WordSet LowerOrgSuffixes = Set("inc", "ltd", "llc", "llp", "plc", "corp", "corporation", "company", "gmbh", "consulting", "insurance", "services", "solutions", "technologies", "group", "holdings");

    /// <summary>All the closed lists above as flags per word: one lookup per token.</summary>
    public static readonly System.Collections.Frozen.FrozenDictionary<string, Lex>.AlternateLookup<ReadOnlySpan<char>> Flags = BuildFlags();

    private static WordSet Set(params string[] words) => new(words);

    private static System.Collections.Frozen.FrozenDictionary<string, Lex>.AlternateLookup<ReadOnlySpan<char>> BuildFlags()
    {
        var d = new Dictionary<string, Lex>(StringComparer.Ordinal);
        foreach (var (set, flag) in new (WordSet, Lex)[]
                 {
                     (Titles, Lex.Title), (Particles, Lex.Particle), (OrgSuffixes, Lex.OrgSuffix), (OrgCues, Lex.OrgCue),
                     (LocationCues, Lex.LocationCue), (PersonCues, Lex.PersonCue), (CommonGivenNames, Lex.CommonGiven),
                     (NotNames, Lex.NotName), (PersonSuffixes, Lex.PersonSuffix), (LowerOrgSuffixes, Lex.LowerOrgSuffix),
                 })
        {
            foreach (var w in set.Words)
            {
                d[w] = d.GetValueOrDefault(w) | flag;
            }
        }

        return d.ToFrozenDictionary(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }
}

/// <summary>Membership of a word in the closed lists of <see cref="NameLexicon"/>.</summary>
[Flags]
internal enum Lex : ushort
{
    None = 0,
    Title = 1,
    Particle = 2,
    OrgSuffix = 4,
    OrgCue = 8,
    LocationCue = 16,
    PersonCue = 32,
    CommonGiven = 64,
    NotName = 128,
    PersonSuffix = 256,
    LowerOrgSuffix = 512,
}

/// <summary>A frozen set of lower-case words looked up by span (no allocation per lookup).</summary>
internal sealed class WordSet
{
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public WordSet(string[] words)
    {
        Words = words;
        _lookup = words.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string[] Words { get; }

    public bool Contains(ReadOnlySpan<char> word) => _lookup.Contains(word);
}
