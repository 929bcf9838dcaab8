using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Names;

/// <summary>The address patterns (linear-time, generated).</summary>
internal sealed partial class AddressRecognizer
{
    /// <summary>Number, words, street word: "72 Essex Rd", "21 3314 Harley Brook Lane", "101 Montreal Street 5".</summary>
    [GeneratedRegex(@"\d{1,5}[A-Za-z]?\s(?:\d{1,5}[A-Za-z]?\s)?(?:(?:N\.|S\.|E\.|W\.|\d{1,3}(?:st|nd|rd|th))\s)?(?:\p{L}[\p{L}\p{M}'.\-]*\s){0,4}(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Lane|Ln\.?|Drive|Dr\.?|Boulevard|Blvd\.?|Way|Court|Ct\.?|Place|Pl\.?|Square|Sq\.?|Terrace|Circle|Parkway|Pkwy|Highway|Hwy|Alley|Crescent|Close|Row|Plaza|Trail|Mews|Grove|Gardens|Walk|Broadway|Esplanade|Quay|Wharf)\b(?:\s\d{1,5}[A-Za-z]?)?", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex NumberedStreetWord();

    /// <summary>Capitalised words then a street word, no number: "Salcido Street", "St Marys Rd".</summary>
    [GeneratedRegex(@"\b(?:\p{L}[\p{L}\p{M}'\-]* ){1,3}(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Lane|Ln\.?|Drive|Dr\.?|Boulevard|Blvd\.?|Way|Court|Ct\.?|Place|Pl\.?|Square|Sq\.?|Terrace|Circle|Parkway|Pkwy|Highway|Hwy|Alley|Crescent|Close|Row|Plaza|Trail|Mews|Grove|Gardens|Walk|Broadway|Esplanade|Quay|Wharf)\b(?:\s\d{1,5}[A-Za-z]?)?", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex NamedStreetWord();

    /// <summary>Street-type word first: "Rua Graciliano Ramos 1950", "Via Capo le Case 143", "Avenue des Tuileries".</summary>
    [GeneratedRegex(@"(?:\b\d{1,5}\s)?(?:\d{1,5}\s)?\b(?:Rua|Rúa|R\.?|Avenida|Av\.|Avda\.|Ctra\.|Cours|Λ\.|Αγ\.|Via|Viale|Vicolo|Piazza|Piazzale|Corso|Largo|Calle|C/|Carrer|Carretera|Camino|Paseo|Plaza|Pasaje|Ronda|Travesía|Rue|Avenue|Boulevard|Bd|Chemin|Impasse|Allée|Quai|Route|Place|Ulica|ul\.|Strada|Travessa|Alameda|Praça|Vila|Rodovia|Estrada|Λεωφ\.|Οδός)\s(?:\p{L}[\p{L}\p{M}'.\-]*\s){0,6}(?:\d{1,5}[A-Za-z]?\b|\p{L}[\p{L}\p{M}'.\-]*)", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex PrefixStreet();

    /// <summary>Street suffix glued to a name or as a word: "Eskelundsvej 15", "Grolmanstraße 25", "Király u. 23.", "Dózsa György út 78."</summary>
    [GeneratedRegex(@"\b(?:\d{1,5}\s)?(?:\p{L}[\p{L}\p{M}'.\-]*\s)?\p{L}[\p{L}\p{M}'\-]*(?:straße|strasse|straat|laan|gatan|veien|vegen|vägen|allee|gasse|plein|gracht|steenweg|singel|torget|stræde|plads|gränd|vägen|kuja|katu)\b(?:\s\d{1,5}[A-Za-z]?\.?)?|(?:\d{1,5}\s)?(?:\p{L}[\p{L}\p{M}'.\-]*\s)?\p{L}[\p{L}\p{M}'\-]*(?:gade|vej|weg|tie|gata|dijk|lei|väg|kade|str\.|utca|u\.|út|tér|körút|sor|köz|rakpart|sétány)\s\d{1,5}[A-Za-z]?\.?|(?:\d{1,5}\s)?(?:\p{L}[\p{L}\p{M}'.\-]*\s){1,2}(?:gade|vej|weg|tie|gata|dijk|lei|väg|kade|str\.|utca|u\.|út|tér|körút|sor|köz|rakpart|sétány)\s\d{1,5}\.?", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SuffixStreet();

    /// <summary>"56 Canelones 2266", "63 Tylova 42": number, one to three names, number.</summary>
    [GeneratedRegex(@"\b\d{1,5} (?:\p{L}{1,3}\. )?\p{L}[\p{L}\p{M}'\-]{2,30}(?: \p{L}[\p{L}\p{M}'.\-]{1,30}){0,2} \d{1,5}\b", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex NumberedStreet();

    [GeneratedRegex(@"\b(?:(?:Apt|Apartment|Suite|Ste|Unit|Flat|Room|Floor|apt|suite|unit)\.?\s#?\d{1,6}[A-Za-z]?(?:\sBox\s\d{1,6})?|P\.?\s?O\.?\sBox\s\d{1,6}|PSC\s\d{1,6},\sBox\s\d{1,6}|(?:APO|FPO|DPO)\s(?:AA|AE|AP)\s\d{5}|(?:USNS|USNV|USS|USCGC)\s\p{L}[\p{L}\p{M}'\-]+)", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Unit();

    [GeneratedRegex(@"\b\p{Lu}[\p{L}\p{M}'\-]+ and (?:\p{L}[\p{L}\p{M}'.\-]* ){1,3}\d{1,5}\b", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Intersection();

    /// <summary>"Springfield, IL 62704", "KÖPMANHOLMEN⏎, nan⏎ 40402": a place, a two-letter state (or a missing one), a zip.</summary>
    [GeneratedRegex(@"\b\p{Lu}[\p{L}\p{M}'.\-]+(?: \p{L}[\p{L}\p{M}'.\-]+){0,3}[ \t]*\n?[ \t]*, ?(?:[A-Z]{2}|nan)[ \t]*\n?[ \t]*\d{4,5}\b", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex CityStateZip();

    [GeneratedRegex(@"(?:zip|postal|post)\s?code(?:\sis)?:?\s\d{4,5}(?:-\d{4})?", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ZipCue();
}
