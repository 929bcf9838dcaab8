using Microsoft.Extensions.Time.Testing;
using Warden.Core.Detection;
using Warden.Core.Pseudonymization;

namespace Warden.Core.Tests.Pseudonymization;

public sealed class PseudonymizerTests
{
    private static readonly DetectionEngine Engine = new(new DetectionOptions { NamedEntities = false });

    private static Pseudonymizer Create(FakeTimeProvider time, TimeSpan? ttl = null) =>
        new(Engine, time, new PseudonymizerOptions { Ttl = ttl ?? TimeSpan.FromMinutes(5) });

    [Fact]
    public void Protect_SameValue_SameSurrogate_DifferentValues_Numbered()
    {
        var session = Create(new FakeTimeProvider()).OpenSession();
        var protectedText = session.Protect("a@example.com, b@example.com, a@example.com");
        Assert.Equal("<EMAIL_ADDRESS_1>, <EMAIL_ADDRESS_2>, <EMAIL_ADDRESS_1>", protectedText);
        Assert.Equal(3, session.FindingCounts[EntityTypes.EmailAddress]);
        Assert.Equal("a@example.com, b@example.com, a@example.com", session.Restore(protectedText));
    }

    [Fact]
    public void Restore_UnknownOrForeignSurrogates_AreLeftAlone()
    {
        var p = Create(new FakeTimeProvider());
        var s1 = p.OpenSession("one");
        var s2 = p.OpenSession("two");
        s1.Protect("x a@example.com");
        Assert.Equal("<EMAIL_ADDRESS_1> <EMAIL_ADDRESS_9> <b>", s2.Restore("<EMAIL_ADDRESS_1> <EMAIL_ADDRESS_9> <b>"));
    }

    [Fact]
    public void OpenSession_SameId_ResumesMapping()
    {
        var p = Create(new FakeTimeProvider());
        p.OpenSession("conv").Protect("a@example.com");
        Assert.Equal("a@example.com", p.OpenSession("conv").Restore("<EMAIL_ADDRESS_1>"));
    }

    [Fact]
    public void Vault_AfterTtl_ForgetsMapping()
    {
        var time = new FakeTimeProvider();
        var p = Create(time, TimeSpan.FromMinutes(5));
        var s = p.OpenSession("conv");
        s.Protect("a@example.com");
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal("a@example.com", p.OpenSession("conv").Restore("<EMAIL_ADDRESS_1>")); // sliding: still alive, touched
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal("<EMAIL_ADDRESS_1>", s.Restore("<EMAIL_ADDRESS_1>"));
        Assert.Equal("<EMAIL_ADDRESS_1>", p.OpenSession("conv").Restore("<EMAIL_ADDRESS_1>"));
        p.Sweep();
        Assert.Equal(1, p.SessionCount);
    }

    [Fact]
    public void StreamingRestore_SurrogateSplitAtEveryOffset_RestoresExactly()
    {
        var s = Create(new FakeTimeProvider()).OpenSession();
        var original = "Hi bob@example.com, meet carol@example.org < 3 <tag> <EMAIL_ADDRESS_77> end";
        var protectedText = s.Protect(original);
        for (var a = 0; a <= protectedText.Length; a++)
        {
            for (var b = a; b <= protectedText.Length; b += 3)
            {
                var r = s.CreateStreamingRestorer();
                var output = r.Push(protectedText[..a]) + r.Push(protectedText[a..b]) + r.Push(protectedText[b..]) + r.Flush();
                Assert.Equal(original, output);
            }
        }
    }

    [Fact]
    public void StreamingRestore_HoldsBackOnlyAPossibleSurrogate()
    {
        var s = Create(new FakeTimeProvider()).OpenSession();
        s.Protect("bob@example.com");
        var r = s.CreateStreamingRestorer();
        Assert.Equal("Hello ", r.Push("Hello <EMAIL_"));
        Assert.Equal("bob@example.com and ", r.Push("ADDRESS_1> and "));
        Assert.Equal("a < b", r.Push("a < b"));
        Assert.Equal("", r.Push("<"));
        Assert.Equal("<", r.Flush());
    }

    [Fact]
    public void StreamingRestore_CharacterByCharacter_RestoresExactly()
    {
        var s = Create(new FakeTimeProvider()).OpenSession();
        var original = "x bob@example.com y";
        var protectedText = s.Protect(original);
        var r = s.CreateStreamingRestorer();
        var output = string.Concat(protectedText.Select(c => r.Push(c.ToString()))) + r.Flush();
        Assert.Equal(original, output);
    }
}
