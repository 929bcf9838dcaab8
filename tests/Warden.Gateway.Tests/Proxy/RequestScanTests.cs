using System.Text;
using System.Text.Json;
using Warden.Gateway.Errors;
using Warden.Gateway.Proxy;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>
/// The one-pass request scan: duplicate property names refused at any depth (checked against .NET's own
/// <see cref="JsonDocumentOptions.AllowDuplicateProperties"/> on generated bodies), and <c>stream</c>/<c>scrub</c> only as booleans.
/// </summary>
public sealed class RequestScanTests
{
    [Theory]
    [InlineData("""{"model":"a","messages":[],"model":"b"}""")]
    [InlineData("""{"model":"a","mod\u0065l":"b","messages":[]}""")]
    [InlineData("""{"mod\u0065l":"a","model":"b","messages":[]}""")]
    [InlineData("""{"model":"a","messages":[{"role":"user","content":"x","content":"y"}]}""")]
    [InlineData("""{"model":"a","messages":[],"metadata":{"k":{"z":1,"\u007a":2}}}""")]
    [InlineData("""{"model":"a","messages":[],"messages":[]}""")]
    public void Scan_DuplicatePropertyInOneObject_Throws400(string json)
    {
        var ex = Assert.Throws<WardenHttpException>(() => RequestScan.Scan(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("twice", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":"a","messages":[{"role":"user","content":"x"},{"role":"user","content":"y"}]}""")]
    [InlineData("""{"model":"a","messages":[],"m":{"model":{"model":{"model":1}}}}""")]
    [InlineData("""{"model":"a","messages":[],"ab":1,"a\u0062c":2,"abc2":3}""")]
    public void Scan_SameNameInDifferentObjects_Accepted(string json)
    {
        var scan = RequestScan.Scan(Encoding.UTF8.GetBytes(json));
        Assert.Equal("a", scan.Model);
    }

    [Theory]
    [InlineData(10, -1)]
    [InlineData(5_000, -1)]
    [InlineData(5_000, 0)]
    [InlineData(5_000, 4_321)]
    [InlineData(DuplicateKeyGuard.LinearLimit, DuplicateKeyGuard.LinearLimit - 1)]
    [InlineData(DuplicateKeyGuard.LinearLimit + 1, DuplicateKeyGuard.LinearLimit)]
    public void Scan_LargeObject_DuplicateFoundOnlyWhenThere(int keys, int repeat)
    {
        var sb = new StringBuilder("""{"model":"a","messages":[],"metadata":{""");
        for (var i = 0; i < keys; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append("\"k").Append(i).Append("\":").Append(i);
        }

        if (repeat >= 0)
        {
            // Escaped, so the set path must unescape to see it.
            sb.Append(",\"\\u006b").Append(repeat).Append("\":0");
        }

        sb.Append("}}");
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        if (repeat >= 0)
        {
            Assert.Equal(400, Assert.Throws<WardenHttpException>(() => RequestScan.Scan(bytes)).StatusCode);
        }
        else
        {
            Assert.Equal("a", RequestScan.Scan(bytes).Model);
        }
    }

    [Fact]
    public void Scan_DeepNestingWithRepeatedNamesPerLevel_Accepted()
    {
        // 100 levels, each with the same two names: no false duplicate across levels, and the frame stack grows past its first 32.
        var sb = new StringBuilder("""{"model":"a","messages":[],"x":""");
        for (var i = 0; i < 100; i++)
        {
            sb.Append("""{"a":1,"b":""");
        }

        sb.Append('1').Append('}', 100).Append('}');
        Assert.Equal("a", RequestScan.Scan(Encoding.UTF8.GetBytes(sb.ToString())).Model);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Scan_GeneratedBodies_RefusesExactlyWhatDotNetCallsDuplicate(int seed)
    {
        var random = new Random(seed);
        var refused = 0;
        for (var n = 0; n < 400; n++)
        {
            var sb = new StringBuilder("{\"model\":\"m\",\"messages\":[]");
            sb.Append(",\"body\":");
            Value(sb, random, 0);
            sb.Append('}');
            var bytes = Encoding.UTF8.GetBytes(sb.ToString());
            var expected = IsDuplicate(bytes);
            var actual = false;
            try
            {
                RequestScan.Scan(bytes);
            }
            catch (WardenHttpException ex) when (ex.StatusCode == 400)
            {
                actual = true;
            }

            Assert.True(expected == actual, $"{sb}: .NET says duplicate={expected}, the scan {actual}");
            refused += actual ? 1 : 0;
        }

        // The generator must produce both outcomes, or the comparison proves nothing.
        Assert.InRange(refused, 40, 360);
    }

    [Theory]
    [InlineData("""{"model":"a","messages":[],"stream":"yes"}""", "stream")]
    [InlineData("""{"model":"a","messages":[],"stream":1}""", "stream")]
    [InlineData("""{"model":"a","messages":[],"scrub":"maybe"}""", "scrub")]
    [InlineData("""{"model":"a","messages":[],"scrub":{}}""", "scrub")]
    public void Scan_StreamOrScrubNotBoolean_Throws400(string json, string field)
    {
        var ex = Assert.Throws<WardenHttpException>(() => RequestScan.Scan(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(400, ex.StatusCode);
        Assert.Contains($"'{field}' must be a boolean", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":"a","messages":[],"stream":true,"scrub":true}""", true, true)]
    [InlineData("""{"model":"a","messages":[],"stream":false,"scrub":null}""", false, false)]
    [InlineData("""{"model":"a","messages":[]}""", false, false)]
    public void Scan_BooleanFlags_Read(string json, bool stream, bool scrub)
    {
        var scan = RequestScan.Scan(Encoding.UTF8.GetBytes(json));
        Assert.Equal((stream, scrub), (scan.Stream, scan.Scrub));
    }

    [Theory]
    [InlineData("""{"model":"a","messages":[{"content":"\ud800"}]}""", true)]
    [InlineData("""{"model":"a","messages":[{"content":"x\ud800y"}]}""", true)]
    [InlineData("""{"model":"a","messages":[{"content":"\ud800\n"}]}""", true)]
    [InlineData("""{"model":"a","messages":[{"content":"\udc00\ud800"}]}""", true)]
    [InlineData("""{"model":"a","messages":[{"content":"\ud800\ud800\udc00"}]}""", true)]
    [InlineData("""{"model":"a","messages":[],"\udfff":1}""", true)]
    [InlineData("""{"model":"a","messages":[{"content":"\ud83d\ude00 \u00e9\n"}]}""", false)]
    [InlineData("""{"model":"a","messages":[{"content":"\\ud800"}]}""", false)]
    [InlineData("""{"model":"a","messages":[{"content":"\uD83D\uDE00"}]}""", false)]
    public void Scan_LoneSurrogateEscape_Throws400_PairsAccepted(string json, bool refused)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        if (refused)
        {
            Assert.Equal(400, Assert.Throws<WardenHttpException>(() => RequestScan.Scan(bytes)).StatusCode);
        }
        else
        {
            Assert.Equal("a", RequestScan.Scan(bytes).Model);
        }

        // What the scan refuses is exactly what .NET cannot decode.
        Assert.Equal(refused, !Decodes(bytes));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE })]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    public void Scan_InvalidUtf8InString_Throws400(byte[] bad)
    {
        var bytes = Encoding.UTF8.GetBytes("""{"model":"a","messages":[{"content":"x""").Concat(bad).Concat(Encoding.UTF8.GetBytes("\"}]}")).ToArray();
        Assert.Equal(400, Assert.Throws<WardenHttpException>(() => RequestScan.Scan(bytes)).StatusCode);
    }

    private static bool Decodes(byte[] json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            Walk(doc.RootElement);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        static void Walk(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in e.EnumerateObject())
                    {
                        _ = p.Name;
                        Walk(p.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in e.EnumerateArray())
                    {
                        Walk(item);
                    }

                    break;
                case JsonValueKind.String:
                    _ = e.GetString();
                    break;
            }
        }
    }

    private static bool IsDuplicate(byte[] json)
    {
        try
        {
            using var _ = JsonDocument.Parse(json, new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 128 });
            return false;
        }
        catch (JsonException)
        {
            return true;
        }
    }

    private static void Value(StringBuilder sb, Random random, int depth)
    {
        var kind = depth > 4 ? 0 : random.Next(4);
        if (kind == 0)
        {
            sb.Append(random.Next(100));
        }
        else if (kind == 1)
        {
            sb.Append('[');
            for (int i = 0, count = random.Next(3); i < count; i++)
            {
                sb.Append(i == 0 ? "" : ",");
                Value(sb, random, depth + 1);
            }

            sb.Append(']');
        }
        else
        {
            sb.Append('{');
            for (int i = 0, count = random.Next(5); i < count; i++)
            {
                // Names from a small alphabet so that duplicates happen, sometimes written with an escape.
                var name = ((char)('a' + random.Next(4))).ToString() + (random.Next(3) == 0 ? "é" : "");
                var written = random.Next(4) == 0 ? $"\\u{(int)name[0]:x4}{name[1..]}" : name;
                sb.Append(i == 0 ? "" : ",").Append('"').Append(written).Append("\":");
                Value(sb, random, depth + 1);
            }

            sb.Append('}');
        }
    }
}
