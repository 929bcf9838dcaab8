using System.Collections.Frozen;

namespace Warden.Core.Detection.Names;

/// <summary>Small closed word lists used by the named-entity rules (titles, particles, legal forms, prepositions).</summary>
internal static class NameLexicon
{
    public static readonly FrozenSet<string> Titles = Set("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "madam", "dame", "lord", "lady", "mister", "señor", "senor", "señora", "herr", "frau", "monsieur", "madame", "signor", "signora", "rev", "capt", "captain", "sgt", "officer", "judge", "uncle", "aunt");

    public static readonly FrozenSet<string> Particles = Set("van", "der", "den", "de", "von", "di", "da", "du", "del", "della", "la", "le", "bin", "binti", "al", "el", "dos", "das", "ter", "ten", "zu", "y", "st");

    public static readonly FrozenSet<string> OrgSuffixes = Set("ltd", "limited", "inc", "incorporated", "llc", "llp", "plc", "group", "corp", "corporation", "company", "co", "gmbh", "ag", "sa", "bv", "nv", "ab", "asa", "oy", "spa", "srl", "sarl", "holdings", "partners", "associates", "foundation", "institute", "university", "bank", "technologies", "technology", "solutions", "systems", "services", "labs", "software", "industries", "enterprises", "consulting", "capital", "ventures", "media", "networks", "pharmaceuticals", "motors", "airlines", "insurance", "health", "healthcare", "analytics", "logistics", "international", "agency", "studios", "trust", "bancorp", "financial", "energy", "communications", "global", "digital", "college", "school", "hospital", "clinic", "council", "ministry", "department", "committee", "association", "society", "club", "union", "app", "partnership");

    public static readonly FrozenSet<string> OrgCues = Set("works", "work", "worked", "working", "employed", "employer", "company", "firm", "joined", "join", "hired", "startup", "organization", "organisation", "corporation", "brand", "vendor", "client", "customer", "partner", "subsidiary", "acquired", "ceo", "cto", "founder", "founded", "intern", "interned", "contractor");

    public static readonly FrozenSet<string> LocationCues = Set("in", "at", "from", "to", "near", "visit", "visiting", "visited", "towards", "toward", "into", "around", "across", "via", "city", "town", "village", "moved", "live", "lives", "lived", "living", "born", "based", "arrived", "travel", "traveled", "travelled", "flight", "fly", "flew", "trip", "capital", "country", "outside", "downtown", "north", "south", "east", "west", "of");

    public static readonly FrozenSet<string> PersonCues = Set("name", "named", "called", "dear", "hi", "hello", "hey", "thanks", "thank", "regards", "sincerely", "tell", "told", "ask", "asked", "meet", "met", "married", "wife", "husband", "son", "daughter", "mother", "father", "brother", "sister", "friend", "colleague", "boss", "manager", "patient", "doctor", "client", "starring", "directed", "by", "with", "and", "cc", "contact", "signed", "sent", "from", "attn", "employee", "user", "member", "mom", "dad", "partner", "nephew", "niece", "cousin", "grandma", "grandpa");

    public static readonly FrozenSet<string> NotNames = Set("i", "a", "an", "the", "and", "or", "but", "if", "is", "it", "in", "on", "at", "to", "of", "for", "my", "me", "we", "he", "she", "you", "they", "his", "her", "our", "your", "this", "that", "these", "those", "what", "when", "where", "who", "why", "how", "please", "hello", "hi", "dear", "thanks", "yes", "no", "ok", "okay", "street", "avenue", "road", "suite", "apt", "unit", "box", "city", "state", "country", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "god", "lord", "mr", "mrs", "ms", "dr", "will", "can", "email", "phone", "name", "address", "card", "number", "account");

    private static FrozenSet<string> Set(params string[] words) => words.ToFrozenSet(StringComparer.Ordinal);
}
