using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Warden.Core.Detection;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// Inputs whose detection results must not move when only speed changes: the eval corpora (<c>../shared/eval</c>: the
/// 2,109 PII texts and the 270 secret snippets), and a seeded mixed prompt of about 1 MB (prose and code, the eval texts,
/// and generated phones, cards, IBANs, SSNs, IPs, MACs, URLs, e-mails, dates, keys and near-misses, glued together with
/// random separators). <see cref="Digest"/> hashes every finding (type, start, end, exact score, recognizer, kind).
/// </summary>
internal static class DetectionGoldenCorpus
{
    /// <summary>The eval directory: <c>WARDEN_EVAL_DIR</c>, else the first <c>shared/eval</c> above the test's directory.</summary>
    public static string EvalDirectory() =>
        FindEvalDirectory() ?? throw new InvalidOperationException("The eval corpora (shared/eval with pii/ and secrets/) were not found above the test directory; set WARDEN_EVAL_DIR.");

    /// <summary>The eval directory, or null when this machine has no copy (a clean clone on a CI machine).</summary>
    public static string? FindEvalDirectory()
    {
        if (Environment.GetEnvironmentVariable("WARDEN_EVAL_DIR") is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "eval");
            if (Directory.Exists(Path.Combine(candidate, "pii")))
            {
                return candidate;
            }
        }

        return null;
    }

    public static IReadOnlyList<string> PiiTexts()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(EvalDirectory(), "pii", "presidio_research_generated_large.json")));
        return [.. doc.RootElement.EnumerateArray().Select(e => e.GetProperty("full_text").GetString()!)];
    }

    public static IReadOnlyList<string> SecretTexts() =>
        [.. File.ReadLines(Path.Combine(EvalDirectory(), "secrets", "detect_secrets_cases.jsonl"))
            .Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!)];

    private static readonly string[] Prose =
    [
        "Can you help me refactor this function? It reads the configuration and opens a connection to the database.\n",
        "Summarise the following meeting notes for the team: ship onboarding next sprint, review the error budget on Thursday.\n",
        "```python\ndef load(path):\n    with open(path) as f:\n        return json.load(f)\n```\nWhy does this raise?\n",
        "Translate: the service retries idempotent requests with exponential backoff, caps the wait at 30 seconds. ",
        "Version 2.10.3 was released on 2024-03-05; see https://example.org/changelog#v2 for details. ",
        "The build took 12.5 s, 3 of 14 tests failed at 10:42:07 (UTC+01:00). ",
    ];

    private static readonly string[] Glue = [" ", "\n", ", ", "; ", ": ", "=", "\"", "'", "(", ")", "/", "-", ".", "@", "_", "#", "\t", "\r\n", "\u00A0", "€", "", ""];

    private static readonly string[] Generated =
    [
        "+1-{a}-{e}-{l}", "+44 20 {e}{d} {l}", "(0{a}) {e} {l}", "+49 30 {l}{l}", "001 {a} {e} {l}", "{a}.{e}.{l}", "tel: +33 1 {d}{d} {d}{d} {d}{d} {d}{d}",
        "4111 1111 1111 1111", "5500-0000-0000-0004", "4{l}{l}{l}{e}", "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "FR14 2004 1010 0505 0001 3M02 606",
        "078-05-1120", "{e}-{d}{d}-{l}", "10.{d}.{e}.{d}", "192.168.{d}.{e}", "2001:db8::{l}", "fe80::1%eth0", "00:1A:2B:{d}{d}:4D:5E", "00-1a-2b-3c-4d-5e",
        "https://user:p4ss{l}@host.example.com:8443/x?y=1", "postgres://app:Zx9#Lm{l}!@db.internal:5432/app", "www.example.co.uk/a/b", "mail.{l}@example.com",
        "j.doe+{e}@sub.example.org", "born on {d}/{d}/19{d}{d}", "DOB: 1985-{d}-{d}", "March {d}, 2021", "Monday, 5 June 2023", "12.03.2024",
        "AKIA{l}{l}{l}{l}EXAM", "ghp_{k}{k}", "sk_live_{k}", "xoxb-{l}-{l}-{k}", "sk-ant-api03-{k}{k}{k}", "AIzaSy{k}{k}", "glpat-{k}",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.{k}", "password = \"{k}!Q\"", "api_key: {k}", "Server=db;User Id=app;Password={k}9!;",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEow{k}\n-----END RSA PRIVATE KEY-----", "1HLoD9E4SDFFPDiYfNYnkBLQ85Y51J3Zb1", "0x{k}{k}",
        "AB 12 34 56 C", "943 476 5919", "D{e}{l}", "X{l}{l}", "12345678Z", "RSSMRA85T10A562S", "44051401458", "{l}{l}{l}{l}", "{e}", "{d}",
    ];

    /// <summary>
    /// About <paramref name="chars"/> characters of mixed prompt text, the same for a seed. With no eval texts
    /// (empty lists) their share is generated values too, so the prompt needs nothing outside the repository.
    /// </summary>
    public static string MixedPrompt(int chars, IReadOnlyList<string> pii, IReadOnlyList<string> secrets, int seed = 20261126)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder(chars + 4096);
        while (sb.Length < chars)
        {
            var pick = rng.Next(10);
            sb.Append(pick switch
            {
                < 4 => Prose[rng.Next(Prose.Length)],
                < 6 when pii.Count > 0 => pii[rng.Next(pii.Count)],
                6 when secrets.Count > 0 => secrets[rng.Next(secrets.Count)],
                _ => Fill(Generated[rng.Next(Generated.Length)], rng),
            });
            sb.Append(Glue[rng.Next(Glue.Length)]);
        }

        return sb.ToString(0, chars);
    }

    /// <summary><paramref name="text"/> cut into pieces of 1–599 characters (the same for a seed): starts and ends cut through values.</summary>
    public static List<string> Cut(string text, int seed)
    {
        var rng = new Random(seed);
        var pieces = new List<string>();
        for (var i = 0; i < text.Length;)
        {
            var n = Math.Min(text.Length - i, rng.Next(1, 600));
            pieces.Add(text.Substring(i, n));
            i += n;
        }

        return pieces;
    }

    private static string Fill(string template, Random rng)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] == '{' && i + 2 < template.Length && template[i + 2] == '}')
            {
                switch (template[i + 1])
                {
                    case 'a': sb.Append(rng.Next(200, 1000).ToString(CultureInfo.InvariantCulture)); break;
                    case 'e': sb.Append(rng.Next(100, 1000).ToString(CultureInfo.InvariantCulture)); break;
                    case 'l': sb.Append(rng.Next(0, 10000).ToString("D4", CultureInfo.InvariantCulture)); break;
                    case 'd': sb.Append((char)('0' + rng.Next(10))); break;
                    default:
                        for (var k = 0; k < 12; k++)
                        {
                            const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
                            sb.Append(Alphabet[rng.Next(Alphabet.Length)]);
                        }

                        break;
                }

                i += 2;
                continue;
            }

            sb.Append(template[i]);
        }

        return sb.ToString();
    }

    /// <summary>SHA-256 (hex) of every finding of <paramref name="engine"/> on every text, each text's findings sorted; also the count.</summary>
    public static (string Digest, int Findings) Digest(DetectionEngine engine, IEnumerable<string> texts)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var count = 0;
        var index = 0;
        foreach (var text in texts)
        {
            var findings = engine.Analyze(text)
                .OrderBy(f => f.Start).ThenBy(f => f.End).ThenBy(f => f.Type, StringComparer.Ordinal)
                .ThenBy(f => f.Kind, StringComparer.Ordinal).ThenBy(f => f.Recognizer, StringComparer.Ordinal).ThenBy(f => f.Score);
            var line = new StringBuilder().Append(index++).Append('|');
            foreach (var f in findings)
            {
                count++;
                line.Append(f.Type).Append(',').Append(f.Start).Append(',').Append(f.End).Append(',')
                    .Append(BitConverter.DoubleToInt64Bits(f.Score)).Append(',').Append(f.Recognizer).Append(',').Append(f.Kind).Append(';');
            }

            sha.AppendData(Encoding.UTF8.GetBytes(line.Append('\n').ToString()));
        }

        return (Convert.ToHexString(sha.GetHashAndReset()), count);
    }
}
