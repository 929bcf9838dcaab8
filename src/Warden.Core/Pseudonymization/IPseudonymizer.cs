namespace Warden.Core.Pseudonymization;

/// <summary>Creates pseudonymization sessions. A session id lets a conversation keep stable surrogates.</summary>
public interface IPseudonymizer
{
    /// <summary>Opens (or resumes, by <paramref name="sessionId"/>) a session.</summary>
    IPseudonymizationSession OpenSession(string? sessionId = null, IReadOnlyCollection<string>? entityTypes = null);
}
