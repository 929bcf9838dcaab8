namespace Warden.Core.Pseudonymization;

/// <summary>Creates pseudonymization sessions. A session id lets a conversation keep stable surrogates.</summary>
public interface IPseudonymizer
{
    /// <summary>Opens (or resumes, by <paramref name="sessionId"/>) a session.</summary>
    IPseudonymizationSession OpenSession(string? sessionId = null, IReadOnlyCollection<string>? entityTypes = null);

    /// <summary>
    /// Opens (or resumes) a session in which <paramref name="fakeTypes"/> get realistic fakes of the same shape instead of
    /// <c>&lt;TYPE_n&gt;</c> (null: the configured types; "*": every type). A resumed session keeps the choice it was opened with.
    /// Implementations without fakes ignore the choice.
    /// </summary>
    IPseudonymizationSession OpenSession(string? sessionId, IReadOnlyCollection<string>? entityTypes, IReadOnlyCollection<string>? fakeTypes) =>
        OpenSession(sessionId, entityTypes);

    /// <summary>
    /// Like <see cref="OpenSession(string?, IReadOnlyCollection{string}?, IReadOnlyCollection{string}?)"/>; texts protected
    /// in the session may reuse the detection results of the same exact text protected earlier under the same
    /// <paramref name="cacheScope"/> (the gateway passes the calling principal; null: no reuse). Reuse changes nothing but
    /// the time taken. Implementations without a cache ignore the scope.
    /// </summary>
    IPseudonymizationSession OpenSession(string? sessionId, IReadOnlyCollection<string>? entityTypes, IReadOnlyCollection<string>? fakeTypes, string? cacheScope) =>
        OpenSession(sessionId, entityTypes, fakeTypes);
}
