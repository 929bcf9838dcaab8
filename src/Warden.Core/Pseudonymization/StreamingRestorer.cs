using System.Text;

namespace Warden.Core.Pseudonymization;

/// <summary>
/// Restores surrogates in streamed deltas. Only a tail that starts with the last '&lt;' and could still become a
/// surrogate is held back (at most <see cref="Surrogates.MaxLength"/> characters), or a tail that could still be a
/// realistic fake (at most the longest fake's length); everything before it is emitted.
/// </summary>
internal sealed class StreamingRestorer(PseudonymizationSession session, bool inJson) : IStreamingRestorer
{
    private readonly StringBuilder _pending = new();
    private bool _flushed;

    /// <summary>True while nothing is held back and the restorer still accepts deltas: a delta without '&lt;' (and no fakes issued) then comes out unchanged.</summary>
    internal bool IsIdle => _pending.Length == 0 && !_flushed;

    public string Push(string delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        ObjectDisposedException.ThrowIf(_flushed, this);
        if (delta.Length == 0)
        {
            return "";
        }

        _pending.Append(delta);
        var buffer = _pending.ToString();
        var lt = buffer.LastIndexOf('<');
        var cut = buffer.Length;
        if (lt >= 0 && Surrogates.CouldBePrefix(buffer.AsSpan(lt)))
        {
            cut = lt;
        }

        cut = session.SafeCut(buffer, cut);
        _pending.Clear();
        _pending.Append(buffer, cut, buffer.Length - cut);
        return cut == 0 ? "" : session.Restore(buffer[..cut], inJson);
    }

    public string Flush()
    {
        if (_flushed)
        {
            return "";
        }

        _flushed = true;
        var rest = _pending.ToString();
        _pending.Clear();
        return session.Restore(rest, inJson);
    }
}
