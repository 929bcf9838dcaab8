namespace Warden.Core.Detection;

/// <summary>Entity type names, following Microsoft Presidio's vocabulary. Secrets use <see cref="Secret"/> plus a kind.</summary>
public static class EntityTypes
{
    public const string EmailAddress = "EMAIL_ADDRESS";
    public const string PhoneNumber = "PHONE_NUMBER";
    public const string CreditCard = "CREDIT_CARD";
    public const string IbanCode = "IBAN_CODE";
    public const string UsSsn = "US_SSN";
    public const string IpAddress = "IP_ADDRESS";
    public const string MacAddress = "MAC_ADDRESS";
    public const string Url = "URL";
    public const string Crypto = "CRYPTO";
    public const string UsDriverLicense = "US_DRIVER_LICENSE";
    public const string UsPassport = "US_PASSPORT";
    public const string UkNhs = "UK_NHS";
    public const string UkNino = "UK_NINO";
    public const string EsNif = "ES_NIF";
    public const string ItFiscalCode = "IT_FISCAL_CODE";
    public const string PlPesel = "PL_PESEL";
    public const string DateTime = "DATE_TIME";
    public const string Person = "PERSON";
    public const string Location = "LOCATION";
    public const string Organization = "ORGANIZATION";
    public const string Secret = "SECRET";

    /// <summary>Every built-in type.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        EmailAddress, PhoneNumber, CreditCard, IbanCode, UsSsn, IpAddress, MacAddress, Url, Crypto,
        UsDriverLicense, UsPassport, UkNhs, UkNino, EsNif, ItFiscalCode, PlPesel, DateTime,
        Person, Location, Organization, Secret,
    ];

    /// <summary>True when <paramref name="type"/> is an upper-case identifier usable in surrogates (A-Z, 0-9, _).</summary>
    public static bool IsValidName(string type)
    {
        if (string.IsNullOrEmpty(type) || type.Length > 64 || !char.IsAsciiLetterUpper(type[0]))
        {
            return false;
        }

        foreach (var c in type)
        {
            if (!(char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
