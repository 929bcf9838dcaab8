using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// SECRET findings with a <see cref="Finding.Kind"/>: provider keys (AWS, GitHub, GitLab, Slack, Stripe, OpenAI,
/// Anthropic, Google, SendGrid, Twilio, Mailchimp, Telegram, Discord, PyPI, npm, Hugging Face, Artifactory, Azure),
/// JWTs (header and payload must decode to JSON objects), PEM private keys, URLs and connection strings with
/// embedded passwords, and values assigned to secret-looking names when the value looks like a credential.
/// </summary>
internal sealed class SecretRecognizer : IRecognizer
{
    private static readonly SearchValues<char> DigitChars = SearchValues.Create("0123456789");
    private static readonly SearchValues<char> UuidChars = SearchValues.Create("0123456789abcdefABCDEF-");
    private static readonly SearchValues<char> TokenChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    private static readonly (string Kind, Regex Pattern, double Score)[] Rules =
    [
        ("aws_access_key_id", SecretPatterns.AwsAccessKeyId(), 0.95),
        ("github_token", SecretPatterns.GitHub(), 0.95),
        ("gitlab_token", SecretPatterns.GitLab(), 0.9),
        ("slack_token", SecretPatterns.Slack(), 0.95),
        ("stripe_key", SecretPatterns.Stripe(), 0.95),
        ("anthropic_api_key", SecretPatterns.Anthropic(), 0.98),
        ("openai_api_key", SecretPatterns.OpenAi(), 0.95),
        ("google_api_key", SecretPatterns.GoogleApiKey(), 0.9),
        ("jwt", SecretPatterns.Jwt(), 0.9),
        ("url_credentials", SecretPatterns.UrlCredentials(), 0.9),
        ("azure_storage_key", SecretPatterns.Azure(), 0.9),
        ("artifactory_token", SecretPatterns.Artifactory(), 0.75),
        ("mailchimp_api_key", SecretPatterns.Mailchimp(), 0.9),
        ("sendgrid_api_key", SecretPatterns.SendGrid(), 0.95),
        ("twilio_key", SecretPatterns.Twilio(), 0.7),
        ("telegram_bot_token", SecretPatterns.Telegram(), 0.9),
        ("discord_bot_token", SecretPatterns.Discord(), 0.85),
        ("pypi_token", SecretPatterns.PyPi(), 0.95),
        ("npm_token", SecretPatterns.Npm(), 0.95),
        ("huggingface_token", SecretPatterns.HuggingFace(), 0.95),
    ];

    public string Name => "SecretRecognizer";

    public IReadOnlyCollection<string> EntityTypes { get; } = [Detection.EntityTypes.Secret];

    public void Analyze(string text, List<Finding> results)
    {
        foreach (var (kind, pattern, score) in Rules)
        {
            foreach (var m in pattern.EnumerateMatches(text))
            {
                var start = m.Index;
                var end = m.Index + m.Length;
                if (Accept(kind, text, ref start, ref end))
                {
                    results.Add(new Finding(Detection.EntityTypes.Secret, start, end, score, Name, kind));
                }
            }
        }

        FindPem(text, results);
        FindAssignments(text, results);
    }

    private static bool TokenBounded(string text, int start, int end) =>
        (start == 0 || !TokenChars.Contains(text[start - 1])) && (end >= text.Length || !TokenChars.Contains(text[end]));

    private static bool Accept(string kind, string text, ref int start, ref int end)
    {
        var s = text.AsSpan(start, end - start);
        switch (kind)
        {
            case "openai_api_key":
                // Legacy and project keys embed the marker "T3BlbkFJ" (base64 of "OpenAI"); newer project keys are long.
                return TokenBounded(text, start, end) && (s.Contains("T3BlbkFJ", StringComparison.Ordinal) || (s.StartsWith("sk-proj-") && s.Length >= 100));
            case "jwt":
                return TokenBounded(text, start, end) && ValidJwt(s);
            case "url_credentials":
                {
                    // user:password@host — the password part must not be empty or a port number.
                    var at = s.LastIndexOf('@');
                    var scheme = s.IndexOf("://", StringComparison.Ordinal);
                    var colon = s[(scheme + 3)..at].IndexOf(':');
                    var pass = s[(scheme + 3 + colon + 1)..at];
                    return pass.Length > 0 && pass.IndexOfAnyExcept(DigitChars) >= 0 && !pass.StartsWith("$");
                }

            case "gitlab_token":
                {
                    // GitLab's documented token formats fix the body length for some prefixes.
                    var dash = s.IndexOf('-');
                    var body = dash > 0 && !s.StartsWith("GR1348941") ? s.Length - dash - 1 : s.Length - 9;
                    var prefix = dash > 0 ? s[..dash] : "GR1348941";
                    var lengthOk = prefix switch
                    {
                        "glptt" => body == 40,
                        "gloas" => body == 64,
                        "glimt" => body == 25,
                        "glagent" => body >= 50,
                        _ => body >= 20,
                    };
                    return lengthOk && (start == 0 || !char.IsLetterOrDigit(text[start - 1])) && (end >= text.Length || !TokenChars.Contains(text[end]));
                }

            case "artifactory_token":
            case "twilio_key":
            case "telegram_bot_token":
            case "discord_bot_token":
            case "mailchimp_api_key":
            case "aws_access_key_id":
                return (start == 0 || !char.IsLetterOrDigit(text[start - 1])) && (end >= text.Length || !TokenChars.Contains(text[end]) || kind == "discord_bot_token");
            default:
                return TokenBounded(text, start, end);
        }
    }

    internal static bool ValidJwt(ReadOnlySpan<char> s)
    {
        var dot = s.IndexOf('.');
        if (dot < 0 || !JsonObjectSegment(s[..dot]))
        {
            return false;
        }

        var rest = s[(dot + 1)..];
        var dot2 = rest.IndexOf('.');
        var payload = dot2 < 0 ? rest : rest[..dot2];
        return JsonObjectSegment(payload);
    }

    private static bool JsonObjectSegment(ReadOnlySpan<char> b64)
    {
        if (b64.Length is 0 or > 12_000)
        {
            return false;
        }

        var maxBytes = Base64Url.GetMaxDecodedLength(b64.Length);
        var rented = ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            if (Base64Url.DecodeFromChars(b64, rented, out _, out var written) != OperationStatus.Done)
            {
                return false;
            }

            var reader = new Utf8JsonReader(rented.AsSpan(0, written));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void FindPem(string text, List<Finding> results)
    {
        foreach (var m in SecretPatterns.PemBegin().EnumerateMatches(text))
        {
            var endMarker = text.IndexOf("-----END", m.Index + m.Length, StringComparison.Ordinal);
            int end;
            if (endMarker >= 0)
            {
                var close = text.IndexOf("-----", endMarker + 8, StringComparison.Ordinal);
                end = close >= 0 ? close + 5 : text.Length;
            }
            else
            {
                // Truncated key: cover the base64 body that follows.
                end = m.Index + m.Length;
                while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '+' or '/' or '=' or '\r' or '\n' or ' ' or ':' or '-' or ','))
                {
                    end++;
                }
            }

            results.Add(new Finding(Detection.EntityTypes.Secret, m.Index, end, 1.0, Name, "private_key"));
        }
    }

    private void FindAssignments(string text, List<Finding> results)
    {
        foreach (var m in SecretPatterns.Assignment().EnumerateMatches(text))
        {
            var span = text.AsSpan(m.Index, m.Length);
            var (valueStart, valueLength) = ValueOf(span);
            if (valueLength <= 0)
            {
                continue;
            }

            var value = span.Slice(valueStart, valueLength);
            var score = CredentialScore(value);
            if (score <= 0)
            {
                continue;
            }

            // "Server=db;User Id=app;Password=…;" — a key=value list separated by ';' is a connection string.
            var valueEnd = m.Index + valueStart + valueLength;
            var kind = (m.Index > 0 && text[m.Index - 1] == ';') || (valueEnd < text.Length && text[valueEnd] == ';')
                ? "connection_string"
                : "credential_assignment";
            results.Add(new Finding(Detection.EntityTypes.Secret, m.Index + valueStart, m.Index + valueStart + valueLength, score, Name, kind));
        }
    }

    /// <summary>Finds the value after the name and separator; strips quotes.</summary>
    private static (int Start, int Length) ValueOf(ReadOnlySpan<char> m)
    {
        var i = m.Length - 1;
        if (m[i] is '"' or '\'')
        {
            var q = m[i];
            var open = m[..i].LastIndexOf(q);
            if (open < 0)
            {
                return (0, 0);
            }

            return (open + 1, i - open - 1);
        }

        // Bare value: back up to the separator.
        var sep = m.LastIndexOfAny("=: \t");
        return (sep + 1, m.Length - sep - 1);
    }

    /// <summary>
    /// How much a value assigned to a secret-looking name looks like a real credential: not a variable
    /// reference or placeholder, not plain words, long enough and mixed enough. 0 means "not a secret".
    /// A format placeholder such as <c>{db_password}</c> is reported at a low score: the assembled
    /// string will carry the credential.
    /// </summary>
    internal static double CredentialScore(ReadOnlySpan<char> v)
    {
        if (v.Length >= 2 && v[0] == '{' && v[^1] == '}' && v[1..^1].IndexOfAnyExcept(TokenChars) < 0 && v[1..^1].IndexOf('-') < 0)
        {
            return 0.4;
        }

        if (v.Length < 8 || v[0] is '$' or '%' or '<' or '{' or '[' || v.Contains("%s", StringComparison.Ordinal) || v.Contains("${", StringComparison.Ordinal) || v.Contains("{{", StringComparison.Ordinal))
        {
            return 0;
        }

        if (v.IndexOfAny(' ', '\t') >= 0 || v.Contains("xxxx", StringComparison.OrdinalIgnoreCase) || v.Contains("****", StringComparison.Ordinal))
        {
            return 0;
        }

        if (IsUuid(v) || v.Contains("here", StringComparison.OrdinalIgnoreCase) || v.Contains("example", StringComparison.OrdinalIgnoreCase) || v.Contains("placeholder", StringComparison.OrdinalIgnoreCase))
        {
            return 0;
        }

        int lower = 0, upper = 0, digit = 0, symbol = 0;
        foreach (var c in v)
        {
            if (char.IsAsciiLetterLower(c))
            {
                lower = 1;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                upper = 1;
            }
            else if (char.IsAsciiDigit(c))
            {
                digit = 1;
            }
            else if (c is not ('-' or '_' or '.'))
            {
                symbol = 1;
            }
        }

        var classes = lower + upper + digit + symbol;
        var entropy = Checksums.Entropy(v);
        if (classes >= 3 || (classes == 2 && v.Length >= 12 && entropy >= 3.0) || (v.Length >= 20 && entropy >= 3.5))
        {
            return Math.Min(0.9, 0.5 + (entropy / 10));
        }

        return 0;
    }

    private static bool IsUuid(ReadOnlySpan<char> v) =>
        v.Length == 36 && v[8] == '-' && v[13] == '-' && v[18] == '-' && v[23] == '-' && v.IndexOfAnyExcept(UuidChars) < 0;
}
