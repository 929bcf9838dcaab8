namespace Warden.Core.Pseudonymization;

/// <summary>
/// Restores surrogates in a stream of text deltas. It holds back only the shortest tail that could
/// still be the start of a surrogate, so output is delayed by at most one surrogate's length.
/// </summary>
public interface IStreamingRestorer
{
    /// <summary>Feeds one delta; returns the text that is safe to emit now (may be empty).</summary>
    string Push(string delta);

    /// <summary>Returns whatever is still held back, restored. Call once at the end of the stream.</summary>
    string Flush();
}
