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
internal sealed partial class SecretRecognizer : IRecognizer
{
    private static readonly SearchValues<char> DigitChars = SearchValues.Create("0123456789");
    private static readonly SearchValues<char> UuidChars = SearchValues.Create("0123456789abcdefABCDEF-");
    private static readonly SearchValues<char> TokenChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    private const string Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static readonly CharClass AlnumClass = CharClass.Of(Alnum);
    private static readonly CharClass UnderscoreClass = CharClass.Of(Alnum + "_");
    private static readonly CharClass DashClass = CharClass.Of(Alnum + "_-");
    private static readonly CharClass DottedClass = CharClass.Of(Alnum + "_-.");

    /// <summary>
    /// Each provider shape with characters every match contains (anchors: the rarest character of its literal prefix,
    /// such as '_' in "ghp_" or '-' in "sk-") and the characters a match consists of: the pattern runs only over the run of
    /// those characters around an anchor, and only when the run is as long as the shortest match.
    /// </summary>
    private static readonly SecretRule[] Rules =
    [
        new("aws_access_key_id", SecretPatterns.AwsAccessKeyId(), 0.95, 20, "A", CharClass.Of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), ["AKIA", "ABIA", "ACCA", "ASIA", "A3T"]),
        new("github_token", SecretPatterns.GitHub(), 0.95, 40, "_", UnderscoreClass, ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"]),
        new("gitlab_token", SecretPatterns.GitLab(), 0.9, 25, "-G", DashClass, ["glpat-", "gldt-", "glsoat-", "glcbt-", "glimt-", "glptt-", "glagent-", "gloas-", "glrt-", "glft-", "glffct-", "gltst-", "GR1348941"]),
        new("slack_token", SecretPatterns.Slack(), 0.95, 15, "-:", CharClass.Of(Alnum + "_-/:."), ["xoxa-", "xoxb-", "xoxp-", "xoxo-", "xoxs-", "xoxr-", "xoxe-", "https://hooks.slack.com/services/"]),
        new("stripe_key", SecretPatterns.Stripe(), 0.95, 24, "_", UnderscoreClass, ["sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_"]),
        new("anthropic_api_key", SecretPatterns.Anthropic(), 0.98, 45, "-", DashClass, ["sk-ant-"]),
        new("openai_api_key", SecretPatterns.OpenAi(), 0.95, 19, "-", DashClass, ["sk-"], ["T3BlbkFJ", "sk-proj-"]),
        new("google_api_key", SecretPatterns.GoogleApiKey(), 0.9, 39, "A", DashClass, ["AIza"]),
        new("jwt", SecretPatterns.Jwt(), 0.9, 11, ".", DottedClass, [".eyJ"]),
        new("url_credentials", SecretPatterns.UrlCredentials(), 0.9, 10, ":", CharClass.NotWhiteSpaceOr("\"'`<>"), ["://"]),
        new("azure_storage_key", SecretPatterns.Azure(), 0.9, 34, "=", CharClass.Of(Alnum + "+/%="), ["AccountKey=", "SharedAccessKey=", "SharedAccessSignature=", "sig="]),
        new("artifactory_token", SecretPatterns.Artifactory(), 0.75, 11, "A", AlnumClass, ["AKC", "AP"]),
        new("mailchimp_api_key", SecretPatterns.Mailchimp(), 0.9, 36, "-", CharClass.Of("0123456789abcdefus-"), ["-us"]),
        new("sendgrid_api_key", SecretPatterns.SendGrid(), 0.95, 69, ".", DottedClass, ["SG."]),
        new("twilio_key", SecretPatterns.Twilio(), 0.7, 34, "AS", AlnumClass, ["AC", "SK"]),
        new("telegram_bot_token", SecretPatterns.Telegram(), 0.9, 43, ":", CharClass.Of(Alnum + "_-:"), [":AA"]),
        new("discord_bot_token", SecretPatterns.Discord(), 0.85, 58, ".", DottedClass),
        new("pypi_token", SecretPatterns.PyPi(), 0.95, 108, "-", DashClass, ["pypi-AgE"]),
        new("npm_token", SecretPatterns.Npm(), 0.95, 40, "_", UnderscoreClass, ["npm_"]),
        new("huggingface_token", SecretPatterns.HuggingFace(), 0.95, 37, "_", UnderscoreClass, ["hf_"]),
    ];

    /// <summary>The provider rules (for differential tests).</summary>
    internal static IReadOnlyList<SecretRule> ProviderRules => Rules;

    /// <summary>Every anchor character of the rules without literals, for one vectorized search.</summary>
    private static readonly SearchValues<char> AnchorChars = SearchValues.Create(string.Concat(Rules.Where(r => r.Literals is null).Select(r => r.Anchors)));

    /// <summary>
    /// The anchors of the rules without literals as one to three characters, when no such rule's alphabet holds a blank (then
    /// <see cref="FollowedAnchors"/> finds exactly the anchors followed by a character that can continue a key); else null.
    /// </summary>
    private static readonly string? UnprefixedAnchorString = UnprefixedAnchors();

    private static string? UnprefixedAnchors()
    {
        var rules = Rules.Where(r => r.Literals is null).ToArray();
        var anchors = string.Concat(rules.Select(r => r.Anchors).Distinct());
        return anchors.Length is >= 1 and <= 3 && rules.All(r => !r.Alphabet.Contains(' ') && !r.Alphabet.Contains('\t') && !r.Alphabet.Contains('\r') && !r.Alphabet.Contains('\n'))
            ? anchors
            : null;
    }

    /// <summary>
    /// Discord is the only rule without literals: its anchors are then searched as dot pairs (<see cref="IndexOfDotPair"/>),
    /// since <see cref="DiscordFirstDotAt"/> rejects every dot without another dot seven characters later. (Here, after
    /// <see cref="Rules"/>: the initializers of one file run in order.)
    /// </summary>
    private static readonly bool OnlyDiscordUnprefixed = Rules.Where(r => r.Literals is null).Select(r => r.Kind).SequenceEqual([DiscordKind]);

    /// <summary>For each ASCII anchor character: the indexes of the rules without literals it anchors.</summary>
    private static readonly int[][] ByAnchor = BuildDispatch();

    /// <summary>The literals of the rules that have them, in a few grouped searches (after <see cref="Rules"/>: static fields initialize in order).</summary>
    private static readonly SecretLiteralGroups LiteralGroups = SecretLiteralGroups.Create(Rules);

    /// <summary>
    /// The name stems in one search: the reference for <see cref="IndexOfStem"/> (which finds the same by rarer anchors) and
    /// its fallback without 256-bit vectors.
    /// </summary>
    internal static readonly SearchValues<string> AssignmentStems = SearchValues.Create(["pass", "pw", "secret", "token", "key", "credential"], StringComparison.OrdinalIgnoreCase);

    /// <summary>How far a secret-looking name can start before its stem ("private_" before "key").</summary>
    private const int StemLead = 8;

    /// <summary>How far past the stem's start the value can begin (rest of the name, quote, spaces, separator).</summary>
    private const int StemToValue = 21;

    public string Name => "SecretRecognizer";

    public IReadOnlyCollection<string> EntityTypes { get; } = [Detection.EntityTypes.Secret];

    public void Analyze(string text, List<Finding> results)
    {
        FindProviderKeys(text, results);
        FindPem(text, results);
        FindAssignments(text, results);
    }

    private static int[][] BuildDispatch()
    {
        var table = new int[128][];
        for (var c = 0; c < table.Length; c++)
        {
            table[c] = [.. Enumerable.Range(0, Rules.Length).Where(i => Rules[i].Literals is null && Rules[i].Anchors.Contains((char)c, StringComparison.Ordinal))];
        }

        return table;
    }

    /// <summary>The longest PEM header the pattern can match.</summary>
    private const int PemBeginMaxLength = 64;

    private static bool TokenBounded(string text, int start, int end) =>
        (start == 0 || !TokenChars.Contains(text[start - 1])) && (end >= text.Length || !TokenChars.Contains(text[end]));

    internal static bool Accept(string kind, string text, ref int start, ref int end)
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
        var span = text.AsSpan();
        var pos = 0;
        // The next "-----END" and the end of the current base64 body are cached, so many BEGIN lines in a row cost linear time.
        var nextEnd = -2;
        var bodyEnd = -1;
        while (pos < span.Length)
        {
            var rel = span[pos..].IndexOf("-----BEGIN", StringComparison.Ordinal);
            if (rel < 0)
            {
                return;
            }

            var begin = pos + rel;
            var window = span.Slice(begin, Math.Min(PemBeginMaxLength, span.Length - begin));
            var m = SecretPatterns.PemBegin().EnumerateMatches(window);
            if (!m.MoveNext() || m.Current.Index != 0)
            {
                pos = begin + 1;
                continue;
            }

            var headerEnd = begin + m.Current.Length;
            pos = headerEnd;
            if (nextEnd != -1 && nextEnd < headerEnd)
            {
                var e = span[headerEnd..].IndexOf("-----END", StringComparison.Ordinal);
                nextEnd = e < 0 ? -1 : headerEnd + e;
            }

            int end;
            if (nextEnd >= 0)
            {
                var close = span[(nextEnd + 8)..].IndexOf("-----", StringComparison.Ordinal);
                end = close >= 0 ? nextEnd + 8 + close + 5 : text.Length;
            }
            else
            {
                // Truncated key: cover the base64 body that follows (one maximal run, shared by later headers inside it).
                if (bodyEnd < headerEnd)
                {
                    bodyEnd = headerEnd;
                    while (bodyEnd < text.Length && (char.IsAsciiLetterOrDigit(text[bodyEnd]) || text[bodyEnd] is '+' or '/' or '=' or '\r' or '\n' or ' ' or ':' or '-' or ','))
                    {
                        bodyEnd++;
                    }
                }

                end = bodyEnd;
            }

            results.Add(new Finding(Detection.EntityTypes.Secret, begin, end, 1.0, Name, "private_key"));
        }
    }
}
