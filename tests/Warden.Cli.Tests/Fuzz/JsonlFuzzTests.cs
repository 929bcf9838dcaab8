using System.Text;
using System.Text.Json;

namespace Warden.Cli.Tests.Fuzz;

/// <summary>
/// Seeded fuzzing of the eval protocol (<c>warden scrub --jsonl</c>, <c>warden screen --jsonl</c>): a stream of valid and
/// malformed lines (invalid JSON, truncated, not an object, no string text, lone surrogate escapes, nesting past the
/// reader's limit, invalid UTF-8 bytes, NUL bytes, huge numbers, duplicate names) gives exactly one output line per
/// non-blank input line, in order, each a JSON object echoing the id, with an error for the bad ones; exit 0, nothing on
/// stderr.
/// </summary>
public sealed class JsonlFuzzTests
{
    private const int Lines = 200;

    private static readonly string[] Bad =
    [
        "{not json", "{\"id\":1,\"text\":\"abc\"", "[1,2]", "null", "\"text\"", "{\"id\":2}", "{\"id\":3,\"text\":5}", "{\"id\":4,\"text\":null}",
        "{\"id\":5,\"text\":[\"a\"]}", "{\"id\":6,\"text\":\"\\ud800\"}", "{\"id\":7,\"text\":\"a\\udc00b\"}", "{\"id\":8,\"text\":\"x\"} trailing",
        "{\"id\":9,\"text\":\"a\u0001b\"}", "{\"id\":10,\"text\":\"ok\",}", "{\"id\":11,\"text\":'single'}", "}", "{\"id\":12,\"text\":\"\\x41\"}",
    ];

    /// <summary>The input as bytes (some lines hold invalid UTF-8) and, per non-blank line, whether it must be an error.</summary>
    private static (byte[] Input, List<(string Label, bool Error, JsonElement? Id)> Expected) Generate(int seed)
    {
        var rng = new Random(seed);
        using var input = new MemoryStream();
        var expected = new List<(string, bool, JsonElement?)>();
        for (var i = 0; i < Lines; i++)
        {
            var label = $"seed {seed} line {i}";
            byte[] line;
            bool error;
            JsonElement? id = null;
            switch (rng.Next(10))
            {
                case 0:
                    line = Encoding.UTF8.GetBytes(Bad[rng.Next(Bad.Length)]);
                    error = true;
                    break;
                case 1:
                    var depth = 65 + rng.Next(500);
                    line = Encoding.UTF8.GetBytes($"{{\"id\":{i},\"text\":\"t\",\"x\":{new string('[', depth)}{new string(']', depth)}}}");
                    error = true;
                    break;
                case 2:
                    // Invalid UTF-8 inside the text: decoded as U+FFFD, the line is still answered (not an error).
                    line = [.. Encoding.UTF8.GetBytes($"{{\"id\":{i},\"text\":\"mail jane"), 0xFF, 0xC3, 0x28, .. Encoding.UTF8.GetBytes("@example.com\"}")];
                    error = false;
                    id = JsonDocument.Parse(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).RootElement;
                    break;
                case 3:
                    var valid = $"{{\"id\":\"s{i}\",\"text\":\"call 555-0100 or mail bob@example.org\"}}";
                    line = Encoding.UTF8.GetBytes(valid[..rng.Next(1, valid.Length)]);
                    error = true;
                    break;
                case 4:
                    line = Encoding.UTF8.GetBytes($"{{\"id\":1e999,\"text\":\"a\\u0000b 4111 1111 1111 1111\",\"id\":{i}}}");
                    error = false;
                    break;
                case 5:
                    line = Encoding.UTF8.GetBytes($"{{\"id\":[{i},{{\"nested\":true}}],\"text\":\"{new string('a', rng.Next(1, 5000))} x@y.com\"}}");
                    error = false;
                    break;
                default:
                    line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { id = $"v{i}", text = $"Jane Doe lives at 12 Main Street, IBAN DE89370400440532013000, line {i}" }));
                    error = false;
                    id = JsonDocument.Parse($"\"v{i}\"").RootElement;
                    break;
            }

            input.Write(line);
            input.WriteByte((byte)'\n');
            expected.Add((label + ": " + Encoding.UTF8.GetString(line)[..Math.Min(120, line.Length)], error, id));
            if (rng.Next(20) == 0)
            {
                input.Write("   \n"u8); // blank lines are skipped
            }
        }

        return (input.ToArray(), expected);
    }

    [Theory]
    [InlineData("scrub", 2101, "entities")]
    [InlineData("screen", 2201, "injection")]
    public async Task Jsonl_SeededMalformedLines_OneAnswerPerLine_ErrorsForTheBadOnes_Exit0(string command, int seed, string resultField)
    {
        var (input, expected) = Generate(seed);
        using var stdin = new StreamReader(new MemoryStream(input), Encoding.UTF8);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync([command, "--jsonl"], new CliContext(stdin, stdout, stderr, CancellationToken.None));

        Assert.Equal(0, code);
        Assert.Equal("", stderr.ToString());
        var lines = stdout.ToString().Split('\n');
        Assert.Equal("", lines[^1]);
        Assert.Equal(expected.Count, lines.Length - 1);
        for (var i = 0; i < expected.Count; i++)
        {
            var (label, error, id) = expected[i];
            var answer = JsonDocument.Parse(lines[i]).RootElement;
            Assert.True(answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("id", out _), label);
            Assert.True(error == answer.TryGetProperty("error", out _), $"{label} -> {lines[i]}");
            Assert.True(error != answer.TryGetProperty(resultField, out _), $"{label} -> {lines[i]}");
            if (id is { } expectedId)
            {
                Assert.True(JsonElement.DeepEquals(expectedId, answer.GetProperty("id")), $"{label} -> {lines[i]}");
            }
        }
    }
}
