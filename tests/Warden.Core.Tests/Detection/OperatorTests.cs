using System.Security.Cryptography;
using Warden.Core.Detection;
using Warden.Core.Detection.Operators;

namespace Warden.Core.Tests.Detection;

public sealed class OperatorTests
{
    private const string Text = "card 4111 1111 1111 1111 mail bob@example.com";
    private static readonly DetectionEngine Engine = new(new DetectionOptions { NamedEntities = false });

    [Fact]
    public void Redact_ReplacesWithTypeTag()
    {
        Assert.Equal("card <CREDIT_CARD> mail <EMAIL_ADDRESS>", Anonymizer.Apply(Text, Engine.Analyze(Text), new OperatorOptions()));
    }

    [Fact]
    public void Mask_KeepsLastFourAndSeparators()
    {
        var result = Anonymizer.Apply("card 4111 1111 1111 1111", Engine.Analyze("card 4111 1111 1111 1111"), new OperatorOptions { Operator = ScrubOperator.Mask });
        Assert.Equal("card **** **** **** 1111", result);
    }

    [Fact]
    public void Hash_IsKeyedAndStable()
    {
        var k1 = RandomNumberGenerator.GetBytes(32);
        var k2 = RandomNumberGenerator.GetBytes(32);
        var findings = Engine.Analyze(Text);
        var a = Anonymizer.Apply(Text, findings, new OperatorOptions { Operator = ScrubOperator.Hash, HashKey = k1 });
        var b = Anonymizer.Apply(Text, findings, new OperatorOptions { Operator = ScrubOperator.Hash, HashKey = k1 });
        var c = Anonymizer.Apply(Text, findings, new OperatorOptions { Operator = ScrubOperator.Hash, HashKey = k2 });
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.DoesNotContain("bob@example.com", a, StringComparison.Ordinal);
        Assert.Contains("<EMAIL_ADDRESS:hmac:", a, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_WithoutKey_Throws()
    {
        Assert.Throws<ArgumentException>(() => Anonymizer.Apply(Text, Engine.Analyze(Text), new OperatorOptions { Operator = ScrubOperator.Hash }));
    }

    [Fact]
    public void Encrypt_RoundTrips_AndDetectsTampering()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var result = Anonymizer.Apply(Text, Engine.Analyze(Text), new OperatorOptions { Operator = ScrubOperator.Encrypt, EncryptionKey = key });
        var start = result.IndexOf("<EMAIL_ADDRESS:enc:", StringComparison.Ordinal) + "<EMAIL_ADDRESS:enc:".Length;
        var payload = result[start..result.IndexOf('>', start)];
        Assert.Equal("bob@example.com", Anonymizer.Decrypt("EMAIL_ADDRESS", payload, key));
        Assert.ThrowsAny<CryptographicException>(() => Anonymizer.Decrypt("CREDIT_CARD", payload, key));
        var tampered = (payload[0] == 'A' ? "B" : "A") + payload[1..];
        Assert.ThrowsAny<CryptographicException>(() => Anonymizer.Decrypt("EMAIL_ADDRESS", tampered, key));
    }
}
