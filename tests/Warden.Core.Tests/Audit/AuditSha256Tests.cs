using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Warden.Core.Audit;

namespace Warden.Core.Tests.Audit;

public sealed class AuditSha256Tests
{
    [Fact]
    public void IsDirect_WhereLibcrypto3Loads_True()
    {
        // The verifier's speed depends on the direct path; on a box with OpenSSL 3 it must be in use, not silently
        // replaced by the fallback (elsewhere the fallback is the right answer).
        var loads = NativeLibrary.TryLoad("libcrypto.so.3", out var handle);
        if (loads)
        {
            NativeLibrary.Free(handle);
        }

        Assert.Equal(loads, AuditSha256.IsDirect);
        Assert.True(OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() || loads, "CI runs on Linux with OpenSSL 3");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Hash_EveryLengthAroundTheBlockSizes_EqualsSha256HashData(bool direct)
    {
        using var hasher = new AuditSha256.Hasher(direct && AuditSha256.IsDirect);
        var random = new Random(5);
        var data = new byte[70_000];
        random.NextBytes(data);
        var got = new byte[32];
        var lengths = Enumerable.Range(0, 1_100).Concat([4_095, 4_096, 16_384, 16_385, 16_386, 65_536, 70_000]);
        foreach (var length in lengths)
        {
            var input = data.AsSpan(random.Next(0, data.Length - length + 1), length);
            hasher.Hash(input, got);
            Assert.Equal(SHA256.HashData(input), got);
        }
    }

    [Fact]
    public void Hash_ReusedAcrossInputs_NoStateCarriedOver()
    {
        using var hasher = new AuditSha256.Hasher();
        var got = new byte[32];
        hasher.Hash(new byte[1_000], got); // leaves a finished context behind
        hasher.Hash("abc"u8, got);
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(got));
    }

    [Fact]
    public void Hash_ManyThreadsEachWithItsOwnHasher_AllCorrect()
    {
        var inputs = Enumerable.Range(0, 4_000).Select(i => Enumerable.Range(0, 300 + (i % 400)).Select(j => (byte)(i ^ j)).ToArray()).ToArray();
        var results = new byte[inputs.Length][];
        Parallel.For(0, 4, s =>
        {
            using var hasher = new AuditSha256.Hasher();
            for (var i = s; i < inputs.Length; i += 4)
            {
                results[i] = new byte[32];
                hasher.Hash(inputs[i], results[i]);
            }
        });

        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(SHA256.HashData(inputs[i]), results[i]);
        }
    }
}
