using System.Reflection;
using Microsoft.Extensions.Time.Testing;
using Warden.Core.Detection;
using Warden.Core.Pseudonymization;

namespace Warden.Core.Tests.Pseudonymization;

public sealed class DetectionResultCacheTests
{
    private static readonly DetectionEngine Engine = new(new DetectionOptions { NamedEntities = false });

    private const string SystemPrompt =
        "You are the support assistant of the shop. Escalate to ops@example.com or +1 415 555 0132 when the customer is angry; " +
        "never reveal the card 4111 1111 1111 1111 on file.";

    [Fact]
    public void Analyze_SameScopeAndText_SecondCallIsHit_SameFindingsAsEngine()
    {
        var cache = new DetectionResultCache(Engine, 16);
        var first = cache.Analyze(SystemPrompt, "Agent:a");
        var second = cache.Analyze(SystemPrompt, "Agent:a");
        Assert.Equal(Engine.Analyze(SystemPrompt), first);
        Assert.Equal(first, second);
        Assert.Equal(3, second.Count);
        Assert.Equal((1L, 1L), (cache.Hits, cache.Misses));
    }

    [Fact]
    public void Analyze_OtherScope_IsMiss()
    {
        var cache = new DetectionResultCache(Engine, 16);
        cache.Analyze(SystemPrompt, "Agent:a");
        cache.Analyze(SystemPrompt, "Agent:b");
        Assert.Equal((0L, 2L), (cache.Hits, cache.Misses));
    }

    [Fact]
    public void Analyze_TextDiffersInOneCharacter_IsMissWithItsOwnFindings()
    {
        var cache = new DetectionResultCache(Engine, 16);
        cache.Analyze(SystemPrompt, "Agent:a");
        var changed = SystemPrompt.Replace("ops@example.com", "ops@example.con", StringComparison.Ordinal) + " Mail bob@example.org too.";
        var found = cache.Analyze(changed, "Agent:a");
        Assert.Equal(Engine.Analyze(changed), found);
        Assert.Equal((0L, 2L), (cache.Hits, cache.Misses));
    }

    [Fact]
    public void Analyze_ShortText_NotCached()
    {
        var cache = new DetectionResultCache(Engine, 16);
        cache.Analyze("mail a@example.com", "Agent:a");
        cache.Analyze("mail a@example.com", "Agent:a");
        Assert.Equal((0L, 0L), (cache.Hits, cache.Misses));
    }

    [Fact]
    public void Analyze_Hit_ReturnsReadOnlyCopy_CacheUnaffected()
    {
        var cache = new DetectionResultCache(Engine, 16);
        cache.Analyze(SystemPrompt, "Agent:a");
        var hit = Assert.IsAssignableFrom<IList<Finding>>(cache.Analyze(SystemPrompt, "Agent:a"));
        Assert.ThrowsAny<NotSupportedException>(hit.Clear);
        Assert.Equal(3, cache.Analyze(SystemPrompt, "Agent:a").Count);
    }

    [Fact]
    public void Cache_ManyTexts_BoundedByCapacity_AndHoldsNoText()
    {
        var cache = new DetectionResultCache(Engine, 8);
        const string canary = "CANARY-7f3a9c";
        for (var i = 0; i < 100; i++)
        {
            cache.Analyze($"{canary} {i}: write to user{i}@example.com about the order, and keep this text long enough to be cached.", "Agent:a");
        }

        var slots = (Array)typeof(DetectionResultCache).GetField("_slots", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(cache)!;
        Assert.Equal(8, slots.Length);
        var entries = slots.Cast<object?>().Where(e => e is not null).ToList();
        Assert.InRange(entries.Count, 1, 8);
        foreach (var entry in entries)
        {
            foreach (var property in entry!.GetType().GetProperties())
            {
                Assert.NotEqual(typeof(string), property.PropertyType); // no text, only the key, the length and the findings
            }

            var findings = (Finding[])entry.GetType().GetProperty("Findings")!.GetValue(entry)!;
            Assert.All(findings, f => Assert.DoesNotContain(canary, f.Type + f.Recognizer + f.Kind, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Sessions_SharingCachedFindings_KeepTheirOwnSurrogates_AndRestore()
    {
        var p = new Pseudonymizer(Engine, new FakeTimeProvider());
        var one = p.OpenSession(null, null, null, "Agent:a");
        var first = one.Protect(SystemPrompt);
        var two = p.OpenSession(null, null, null, "Agent:a");
        two.Protect("A longer message that mentions zed@example.net first, then the rest of it, to pass the cache's minimum.");
        var second = two.Protect(SystemPrompt);
        Assert.Equal(1, p.DetectionCache!.Hits);
        Assert.Contains("<EMAIL_ADDRESS_1>", first, StringComparison.Ordinal);
        Assert.Contains("<EMAIL_ADDRESS_2>", second, StringComparison.Ordinal); // numbering is the session's, not the cache's
        Assert.Equal(SystemPrompt, one.Restore(first));
        Assert.Equal(SystemPrompt, two.Restore(second));
        Assert.Equal(1, one.FindingCounts[EntityTypes.EmailAddress]);
        Assert.Equal(2, two.FindingCounts[EntityTypes.EmailAddress]);
    }

    [Fact]
    public void OpenSession_WithoutScopeOrWithEntityTypes_DoesNotUseCache()
    {
        var p = new Pseudonymizer(Engine, new FakeTimeProvider());
        p.OpenSession().Protect(SystemPrompt);
        p.OpenSession().Protect(SystemPrompt);
        p.OpenSession(null, [EntityTypes.EmailAddress], null, "Agent:a").Protect(SystemPrompt);
        p.OpenSession(null, [EntityTypes.EmailAddress], null, "Agent:a").Protect(SystemPrompt);
        Assert.Equal((0L, 0L), (p.DetectionCache!.Hits, p.DetectionCache.Misses));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(8193)]
    public void Options_DetectionCacheEntriesOutOfRange_Rejected(int entries) =>
        Assert.Throws<ArgumentException>(() => new PseudonymizerOptions { DetectionCacheEntries = entries }.Validate());

    [Fact]
    public void Options_DetectionCacheEntriesZero_NoCache()
    {
        var p = new Pseudonymizer(Engine, new FakeTimeProvider(), new PseudonymizerOptions { DetectionCacheEntries = 0 });
        Assert.Null(p.DetectionCache);
        Assert.Contains("<CREDIT_CARD_1>", p.OpenSession(null, null, null, "Agent:a").Protect(SystemPrompt), StringComparison.Ordinal);
    }
}
