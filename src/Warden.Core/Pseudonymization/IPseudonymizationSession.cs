namespace Warden.Core.Pseudonymization;

/// <summary>
/// One request's (or one conversation's) reversible scrubbing. <see cref="Protect"/> replaces
/// PII and secrets with stable surrogates (for example <c>&lt;PERSON_1&gt;</c>); <see cref="Restore"/>
/// puts the originals back in the provider's answer. The mapping lives only in memory or
/// encrypted, with a TTL.
/// </summary>
public interface IPseudonymizationSession
{
    /// <summary>Replaces findings in <paramref name="text"/> with surrogates.</summary>
    string Protect(string text);

    /// <summary>Replaces every surrogate this session issued with its original.</summary>
    string Restore(string text);

    /// <summary>
    /// <see cref="Restore"/> for JSON text (tool-call <c>arguments</c>, streamed <c>partial_json</c>): each original is
    /// written as JSON string content (quotes, backslashes and control characters escaped), so an original such as
    /// <c>Server=.\SQL;Password=p"w</c> keeps the arguments valid JSON.
    /// </summary>
    string RestoreInJson(string jsonText);

    /// <summary>A restorer for a streamed answer, whose surrogates may be split across chunks.</summary>
    IStreamingRestorer CreateStreamingRestorer();

    /// <summary><see cref="CreateStreamingRestorer"/> for streamed JSON text (see <see cref="RestoreInJson"/>).</summary>
    IStreamingRestorer CreateJsonStreamingRestorer();

    /// <summary>Counts per entity type of what <see cref="Protect"/> replaced so far (never values).</summary>
    IReadOnlyDictionary<string, int> FindingCounts { get; }
}
