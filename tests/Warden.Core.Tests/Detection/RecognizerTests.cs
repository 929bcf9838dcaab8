using Warden.Core.Detection;

namespace Warden.Core.Tests.Detection;

public sealed class RecognizerTests
{
    private static readonly DetectionEngine Engine = new(new DetectionOptions { NamedEntities = false });

    private static Finding[] Find(string text, string type) => Engine.Analyze(text, [type]).Where(f => f.Type == type).ToArray();

    [Theory]
    [InlineData("EMAIL_ADDRESS", "write to jane.doe+tag@mail.example.co.uk today", "jane.doe+tag@mail.example.co.uk")]
    [InlineData("CREDIT_CARD", "card 4111-1111-1111-1111 ok", "4111-1111-1111-1111")]
    [InlineData("CREDIT_CARD", "card 5210402405591275", "5210402405591275")]
    [InlineData("IBAN_CODE", "iban GB82 WEST 1234 5698 7654 32.", "GB82 WEST 1234 5698 7654 32")]
    [InlineData("IBAN_CODE", "iban gb48awjv07221741105646 ok", "gb48awjv07221741105646")]
    [InlineData("US_SSN", "ssn 308-63-0237", "308-63-0237")]
    [InlineData("IP_ADDRESS", "from 192.168.10.1 today", "192.168.10.1")]
    [InlineData("IP_ADDRESS", "v6 2001:db8:85a3::8a2e:370:7334 here", "2001:db8:85a3::8a2e:370:7334")]
    [InlineData("MAC_ADDRESS", "mac 00:1A:2B:3C:4D:5E", "00:1A:2B:3C:4D:5E")]
    [InlineData("URL", "see https://example.com/a?b=1.", "https://example.com/a?b=1")]
    [InlineData("PHONE_NUMBER", "call +1-202-555-0143 now", "+1-202-555-0143")]
    [InlineData("PHONE_NUMBER", "call (505)498-8487x6837 now", "(505)498-8487x6837")]
    [InlineData("CRYPTO", "btc 1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT")]
    [InlineData("CRYPTO", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")]
    [InlineData("UK_NHS", "nhs 943 476 5919", "943 476 5919")]
    [InlineData("UK_NINO", "nino AB 12 34 56 C", "AB 12 34 56 C")]
    [InlineData("ES_NIF", "dni 12345678Z", "12345678Z")]
    [InlineData("IT_FISCAL_CODE", "cf RSSMRA85T10A562S", "RSSMRA85T10A562S")]
    [InlineData("PL_PESEL", "pesel 44051401359", "44051401359")]
    [InlineData("US_DRIVER_LICENSE", "driver license A125325867", "A125325867")]
    [InlineData("DATE_TIME", "born on 5/18/1956", "5/18/1956")]
    public void Recognizer_ValidValue_IsFound(string type, string text, string expected)
    {
        var f = Assert.Single(Find(text, type));
        Assert.Equal(expected, text[f.Start..f.End]);
    }

    [Theory]
    [InlineData("CREDIT_CARD", "card 4111-1111-1111-1112")] // Luhn fails
    [InlineData("CREDIT_CARD", "card 0000 0000 0000 0000")]
    [InlineData("IBAN_CODE", "iban GB82 WEST 1234 5698 7654 33")] // mod 97 fails
    [InlineData("IBAN_CODE", "iban GB82 WEST 1234 5698 7654")] // wrong length for GB
    [InlineData("US_SSN", "ssn 666-12-3456")]
    [InlineData("US_SSN", "ssn 000-12-3456")]
    [InlineData("US_SSN", "ssn 912-12-3456")]
    [InlineData("US_SSN", "ssn 123-00-4567")]
    [InlineData("US_SSN", "id 123456780")] // bare digits without context
    [InlineData("IP_ADDRESS", "version 1.2.3.4.5")]
    [InlineData("IP_ADDRESS", "bad 256.1.1.1")]
    [InlineData("IP_ADDRESS", "time 10:30:00")]
    [InlineData("CRYPTO", "btc 1BoatSLRHtKNngkdXEeobR76b53LETtpyX")] // checksum fails
    [InlineData("UK_NHS", "nhs 943 476 5918")] // mod 11 fails
    [InlineData("ES_NIF", "dni 12345678A")] // wrong letter
    [InlineData("IT_FISCAL_CODE", "cf RSSMRA85T10A562T")]
    [InlineData("PL_PESEL", "pesel 44051401358")]
    [InlineData("US_DRIVER_LICENSE", "order A125325867")] // no context
    [InlineData("PHONE_NUMBER", "on 2024-01-31 we met")]
    [InlineData("PHONE_NUMBER", "order 12345678901234")]
    [InlineData("EMAIL_ADDRESS", "no at sign here @@@ a@b")]
    public void Recognizer_InvalidValue_IsNotReported(string type, string text)
    {
        Assert.Empty(Find(text, type));
    }

    [Theory]
    [InlineData("key AKIAIOSFODNN7EXAMPLE here", "aws_access_key_id")]
    [InlineData("token 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", "github_token")]
    [InlineData("glpat-hellOworld380_testin", "gitlab_token")]
    [InlineData("xoxb-1234567890-abcdefghijklmnop", "slack_token")]
    [InlineData("sk_live_ReTllpYQYfIZu2Jnf2lAPFjD", "stripe_key")]
    [InlineData("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", "openai_api_key")]
    [InlineData("sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_-abcdefghijklmnopqrstuvwxyz0123", "anthropic_api_key")]
    [InlineData("AIzaSyA1234567890abcdefghijklmnopqrstuv", "google_api_key")]
    [InlineData("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc", "jwt")]
    [InlineData("postgres://app:S3cr3t!pw@db.internal:5432/app", "url_credentials")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", "private_key")]
    [InlineData("db_password = \"Xk9#mQ2!pLz7\"", "credential_assignment")]
    [InlineData("Server=db;User Id=app;Password=Xk9#mQ2!pLz7;", "connection_string")]
    public void Secret_KnownShape_IsFoundWithKind(string text, string kind)
    {
        var f = Find(text, EntityTypes.Secret);
        Assert.Contains(f, x => x.Kind == kind);
    }

    [Theory]
    [InlineData("password = \"insert_key_here\"")]
    [InlineData("api_key=$API_KEY")]
    [InlineData("not_secret = notapassword")]
    [InlineData("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc")] // header is not JSON
    [InlineData("sk-proj-Xi8tdMjHV6pmbBbwilTeT4BlbkFJ3UDnpdEwNNm6wVBpYM0o")] // no OpenAI marker
    [InlineData("https://url:8000 @something else")]
    [InlineData("glptt-hellOworld380_testin")] // pipeline trigger tokens have 40 characters
    public void Secret_LookAlike_IsNotReported(string text)
    {
        Assert.Empty(Find(text, EntityTypes.Secret));
    }
}
