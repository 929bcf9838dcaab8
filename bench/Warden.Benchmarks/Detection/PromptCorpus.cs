using System.Text;

namespace Warden.Benchmarks.Detection;

/// <summary>Deterministic prompt-like text: prose, a little code, a few PII values and secrets (not the eval data).</summary>
internal static class PromptCorpus
{
    private static readonly string[] Paragraphs =
    [
        "Can you help me refactor this function? It reads the configuration, validates every field and then opens a connection to the database. I would like it to fail fast when a value is missing and to log a clear message without leaking anything sensitive.\n",
        "Summarise the following meeting notes for the team. We agreed to ship the new onboarding flow next sprint, to move the billing job to the queue, and to review the error budget on Thursday. Action items are listed below with owners and due dates.\n",
        "Please draft a polite reply to the customer. They wrote that the invoice from last month was charged twice and asked for a refund to the original card. Mention that the refund takes five to seven business days and thank them for their patience.\n",
        "```python\ndef load(path):\n    with open(path) as f:\n        data = json.load(f)\n    if 'timeout' not in data:\n        raise ValueError('missing timeout')\n    return data\n```\nWhy does this raise when the file is empty, and how should I handle it?\n",
        "Translate this paragraph into plain English for a non-technical audience: the service retries idempotent requests with exponential backoff and jitter, caps the total wait at thirty seconds, and surfaces a structured error to the caller once the budget is spent.\n",
        "Contact me at jordan.miller@example.com or call +1-202-555-0143 if the deployment fails again; the staging host is 10.20.30.40 and the card on file ends with 4111 1111 1111 1111.\n",
        "Here is the failing config: DATABASE_URL=postgres://app:Zx9#Lm2!Qp7w@db.internal:5432/app and api_key = \"AKIAIOSFODNN7EXAMPLE\". What is wrong with the port?\n",
        "Write unit tests for the parser. Cover empty input, a single token, nested brackets, escaped quotes and a very long line. Each test should have a descriptive name and assert one behaviour only.\n",
    ];

    private const string SamplePhone = "+1-202-555-0143";

    private static readonly int[] AreaCodes = [202, 206, 212, 303, 305, 312, 404, 415, 503, 512, 617, 702, 713, 801, 919];

    /// <summary>A US number in a real area code with a random exchange (2xx–9xx, not N11) and line.</summary>
    private static string Phone(Random rng)
    {
        int exchange;
        do
        {
            exchange = rng.Next(200, 1000);
        }
        while (exchange % 100 == 11);

        return $"+1-{AreaCodes[rng.Next(AreaCodes.Length)]}-{exchange}-{rng.Next(0, 10000):D4}";
    }

    public static string Build(int chars, int seed = 7)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder(chars + 1024);
        while (sb.Length < chars)
        {
            // Mostly prose and code; PII/secret paragraphs about one in eight. Every phone number is a different one
            // (as in real text), so no per-call memo of validated numbers can make the corpus look cheaper than it is.
            var paragraph = Paragraphs[rng.Next(Paragraphs.Length)];
            sb.Append(paragraph.Contains(SamplePhone, StringComparison.Ordinal) ? paragraph.Replace(SamplePhone, Phone(rng), StringComparison.Ordinal) : paragraph);
        }

        return sb.ToString(0, chars);
    }

    /// <summary>Adversarial inputs: each keeps one recognizer's anchor or alphabet going for the whole text.</summary>
    public static string Adversarial(string kind, int chars) => kind switch
    {
        "at" => new string('@', chars),
        "digits" => new string('7', chars),
        "dots" => Repeat("a.", chars),
        "brackets" => new string('(', chars / 2) + new string(')', chars / 2),
        "pem" => Repeat("-----BEGIN RSA PRIVATE KEY-----\n", chars),
        "assign" => Repeat("password=key:token ", chars),
        "dashes" => Repeat("sk-", chars),
        "colons" => Repeat("a:", chars),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static string Repeat(string unit, int chars)
    {
        var sb = new StringBuilder(chars + unit.Length);
        while (sb.Length < chars)
        {
            sb.Append(unit);
        }

        return sb.ToString(0, chars);
    }
}
