using System.Text;
using Warden.Core.Audit;

namespace Warden.Core.Tests.Audit;

public sealed class AuditCanonicalJsonTests
{
    private static readonly DateTimeOffset Ts = DateTimeOffset.Parse("2026-03-01T12:34:56.1234567Z");

    [Fact]
    public void Encode_SameEventDifferentMapOrder_IdenticalBytes()
    {
        var a = new AuditEvent { Type = "t", FindingCounts = new Dictionary<string, int> { ["b"] = 1, ["a"] = 2 }, Attributes = new Dictionary<string, string> { ["z"] = "1", ["y"] = "2" } };
        var b = new AuditEvent { Type = "t", FindingCounts = new Dictionary<string, int> { ["a"] = 2, ["b"] = 1 }, Attributes = new Dictionary<string, string> { ["y"] = "2", ["z"] = "1" } };
        Assert.Equal(AuditCanonicalJson.Encode(1, Ts, AuditCanonicalJson.GenesisHash, a), AuditCanonicalJson.Encode(1, Ts, AuditCanonicalJson.GenesisHash, b));
    }

    [Fact]
    public void Encode_FixedPropertyOrderAndNullsOmitted()
    {
        var json = Encoding.UTF8.GetString(AuditCanonicalJson.Encode(7, Ts, AuditCanonicalJson.GenesisHash, new AuditEvent { Type = "policy.decision", Decision = "deny", AgentId = "a1", Status = 403 }));
        Assert.Equal($"{{\"v\":1,\"seq\":7,\"ts\":\"2026-03-01T12:34:56.1234567Z\",\"prev\":\"{AuditCanonicalJson.GenesisHash}\",\"type\":\"policy.decision\",\"agent\":\"a1\",\"decision\":\"deny\",\"status\":403}}", json);
    }

    [Fact]
    public void ParseAndHeader_RoundTrip()
    {
        var prev = Convert.ToHexStringLower(AuditCanonicalJson.Hash("x"u8));
        var ev = new AuditEvent { Type = "gateway.request", Provider = "openai", LatencyMs = 1.5, FindingCounts = new Dictionary<string, int> { ["email"] = 2 } };
        var body = AuditCanonicalJson.Encode(42, Ts, prev, ev);
        var head = new byte[32];
        Assert.True(AuditCanonicalJson.TryReadHeader(body, out var seq, head));
        Assert.Equal(42, seq);
        Assert.Equal(prev, Convert.ToHexStringLower(head));
        var parsed = AuditCanonicalJson.Parse(new AuditRow(42, AuditCanonicalJson.Hash(body), body));
        Assert.Equal(Ts, parsed.Timestamp);
        Assert.Equal("openai", parsed.Event.Provider);
        Assert.Equal(2, parsed.Event.FindingCounts!["email"]);
    }

    [Fact]
    public void TryReadHeader_NotCanonical_False()
    {
        var head = new byte[32];
        Assert.False(AuditCanonicalJson.TryReadHeader("{\"seq\":1,\"v\":1}"u8, out _, head));
        Assert.False(AuditCanonicalJson.TryReadHeader("not json"u8, out _, head));
    }

    [Fact]
    public void TryReadHeader_ManyRandomPrevHashes_DecodedExactly()
    {
        var random = new Random(7);
        var hash = new byte[32];
        var head = new byte[32];
        for (var n = 0; n < 2_000; n++)
        {
            random.NextBytes(hash);
            var body = AuditCanonicalJson.Encode(n + 1, Ts, Convert.ToHexStringLower(hash), new AuditEvent { Type = "t" });
            Assert.True(AuditCanonicalJson.TryReadHeader(body, out var seq, head));
            Assert.Equal(n + 1, seq);
            Assert.Equal(hash, head);
        }
    }

    [Fact]
    public void TryReadHeader_PrevNotLowerCaseHex_False()
    {
        var prev = Convert.ToHexStringLower(AuditCanonicalJson.Hash("p"u8));
        var canonical = Encoding.UTF8.GetString(AuditCanonicalJson.Encode(5, Ts, prev, new AuditEvent { Type = "t" }));
        var head = new byte[32];
        Assert.True(AuditCanonicalJson.TryReadHeader(Encoding.UTF8.GetBytes(canonical), out _, head));
        var at = canonical.IndexOf(prev, StringComparison.Ordinal);
        foreach (var i in new[] { 0, 1, 17, 32, 62, 63 })
        {
            foreach (var c in "AFGgz /\\\u00e9")
            {
                var mangled = canonical[..(at + i)] + c + canonical[(at + i + 1)..];
                Assert.False(AuditCanonicalJson.TryReadHeader(Encoding.UTF8.GetBytes(mangled), out _, head), mangled);
            }
        }

        Assert.False(AuditCanonicalJson.TryReadHeader(Encoding.UTF8.GetBytes(canonical.Replace(prev, prev.ToUpperInvariant(), StringComparison.Ordinal)), out _, head));
    }

    [Fact]
    public void TryReadHeader_FastPathAndReader_AgreeOnCanonicalAndMangledBodies()
    {
        var prev = Convert.ToHexStringLower(AuditCanonicalJson.Hash("p"u8));
        var bodies = new List<string>();
        foreach (var seq in new long[] { 1, 9, 10, 42, 999_999_999_999_999_999, long.MaxValue })
        {
            var canonical = Encoding.UTF8.GetString(AuditCanonicalJson.Encode(seq, Ts, prev, new AuditEvent { Type = "t" }));
            bodies.Add(canonical);
            bodies.Add(canonical.Replace("\"seq\":", "\"seq\": ", StringComparison.Ordinal));
            bodies.Add(canonical.Replace("\"seq\":", "\"seq\":0", StringComparison.Ordinal));
            bodies.Add(canonical.Replace("\"seq\":", "\"seq\":-", StringComparison.Ordinal));
            bodies.Add(canonical.Replace("2026", "20\\u0032", StringComparison.Ordinal));
            bodies.Add(canonical.Replace("2026", "20\t6", StringComparison.Ordinal));
            bodies.Add(canonical.Replace("2026", "20\u00e96", StringComparison.Ordinal));
            bodies.Add(canonical.Replace(prev, prev.ToUpperInvariant(), StringComparison.Ordinal));
            bodies.Add(canonical.Replace(prev, prev[..63], StringComparison.Ordinal));
            bodies.Add(canonical.Replace(prev, prev + "0", StringComparison.Ordinal));
            bodies.Add(canonical.Replace(prev, "\\u0030" + prev[1..], StringComparison.Ordinal));
            bodies.Add(canonical.Replace("\"v\":1", "\"v\":2", StringComparison.Ordinal));
            bodies.Add(canonical.Replace("{", "{ ", StringComparison.Ordinal));
            bodies.Add(canonical[..(canonical.IndexOf(prev, StringComparison.Ordinal) + 64)]);
            bodies.Add(canonical[..(canonical.IndexOf(prev, StringComparison.Ordinal) + 65)]);
        }

        foreach (var body in bodies)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            var fast = new byte[32];
            var slow = new byte[32];
            var fastOk = AuditCanonicalJson.TryReadHeader(bytes, out var fastSeq, fast);
            var slowOk = AuditCanonicalJson.TryReadHeaderWithReader(bytes, out var slowSeq, slow);
            Assert.True(fastOk == slowOk, body);
            if (slowOk)
            {
                Assert.Equal(slowSeq, fastSeq);
                Assert.Equal(slow, fast);
            }
        }
    }
}
