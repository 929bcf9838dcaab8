namespace Warden.Core.Pseudonymization;

/// <summary>Small, deliberately ordinary word lists for fake names, places and organisations.</summary>
internal static class FakeVocabulary
{
    public static readonly string[] GivenNames =
    [
        "Alice", "Bruno", "Carla", "Daniel", "Elena", "Felix", "Greta", "Hugo", "Irene", "Jonas", "Karin", "Lukas", "Marta",
        "Nils", "Olivia", "Pavel", "Rosa", "Simon", "Tanja", "Victor", "Wanda", "Yusuf", "Zoe", "Amir", "Bianca", "Conrad",
        "Dora", "Emil", "Fiona", "Gustav", "Hanna", "Ivan", "Julia", "Kai", "Lena", "Milan", "Nora", "Oskar", "Petra",
        "Rafael", "Sofia", "Tomas", "Ursula", "Vera", "Walter", "Ada", "Boris", "Clara", "Dario", "Eva",
    ];

    public static readonly string[] Surnames =
    [
        "Andersen", "Becker", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia", "Hansen", "Ivanova", "Jensen", "Keller",
        "Lindqvist", "Moreau", "Novak", "Olsen", "Petrov", "Quinn", "Romano", "Schmidt", "Tanaka", "Urban", "Vogel", "Weber",
        "Yilmaz", "Zimmer", "Albers", "Brandt", "Costa", "Dahl", "Engel", "Ferreira", "Graf", "Horvat", "Ito", "Jovanovic",
        "Kowalski", "Larsen", "Meyer", "Nielsen", "Ortega", "Pereira", "Ramos", "Sato", "Torres", "Varga", "Wolff",
    ];

    public static readonly string[] Cities =
    [
        "Aarhus", "Bergen", "Bologna", "Brno", "Cork", "Dresden", "Gdansk", "Graz", "Leeds", "Lille", "Lyon", "Malmo",
        "Porto", "Seville", "Tampere", "Utrecht", "Valencia", "Zagreb", "Denver", "Portland", "Austin", "Halifax", "Perth",
        "Adelaide", "Wellington", "Toulouse", "Leipzig", "Basel", "Ghent", "Krakow",
    ];

    public static readonly string[] StreetNames =
    [
        "Oak", "Maple", "Cedar", "Elm", "Birch", "Willow", "Chestnut", "Linden", "Harbor", "Mill", "Orchard", "Station",
        "Church", "Bridge", "Park", "Meadow", "River", "Spring", "Garden", "Hill",
    ];

    public static readonly string[] StreetTypes = ["Street", "Road", "Avenue", "Lane", "Way", "Drive"];

    public static readonly string[] OrgWords =
    [
        "Northwind", "Bluefield", "Redwood", "Silverline", "Brightpath", "Clearwater", "Ironbridge", "Greenleaf",
        "Stonegate", "Fairview", "Westbrook", "Eastlake", "Highmoor", "Lakeside", "Oakridge", "Summit",
    ];

    public static readonly string[] OrgForms = ["Ltd", "Inc", "Group", "Labs", "Partners", "Systems", "Consulting", "GmbH", "LLC"];

    /// <summary>Domains reserved for documentation (RFC 2606): a fake address never reaches a real mailbox.</summary>
    public static readonly string[] EmailDomains = ["example.com", "example.org", "example.net"];
}
