namespace Warden.Core.Detection;

/// <summary>
/// Finds entities of one or more types in text. Implementations must run in time linear in the
/// length of the text and must not keep per-call state (one instance serves concurrent calls).
/// </summary>
public interface IRecognizer
{
    /// <summary>A stable name reported in <see cref="Finding.Recognizer"/>.</summary>
    string Name { get; }

    /// <summary>The entity types this recognizer can report.</summary>
    IReadOnlyCollection<string> EntityTypes { get; }

    /// <summary>Adds what it finds in <paramref name="text"/> to <paramref name="results"/>.</summary>
    void Analyze(string text, List<Finding> results);
}
