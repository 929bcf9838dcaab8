using System.Buffers;
using System.IO.Pipelines;

namespace Warden.Gateway.Proxy;

/// <summary>
/// Reads server-sent events from a provider stream, event by event. Lines end at CR, LF or CRLF, as the SSE spec allows
/// (a CRLF split across two reads is still one line end). Only an incomplete event is
/// ever buffered (bounded by <c>maxEventBytes</c>), so memory stays flat however long the stream.
/// At the end of the stream a last event without its blank line (<c>data: X\n</c>, or <c>data: X</c> with no line end
/// at all) is still read as an event: the SSE spec lets a browser drop it, but a proxy must not lose what the provider
/// sent (a truncated JSON payload then fails to parse and the caller gets an error event instead).
/// </summary>
internal sealed class SseReader(Stream stream, int maxEventBytes)
{
    private readonly PipeReader _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true));

    // Only events that are not a lone `data: ` line need their data copied (allocated on first use).
    private ArrayBufferWriter<byte>? _data;
    private ArrayBufferWriter<byte>? _event;
    private ReadOnlyMemory<byte> _current;
    private ReadOnlySequence<byte> _raw;
    private byte[]? _trailing;
    private ReadOnlySequence<byte> _buffer;
    private bool _haveBuffer;
    private bool _completed;

    // An event ended on a CR that was the last byte read (_lfPending); the buffer then starts with its LF (_leadingLf).
    private bool _lfPending;
    private bool _leadingLf;

    /// <summary>The event name of the current event (empty when none).</summary>
    public ReadOnlySpan<byte> EventName => _event is null ? default : _event.WrittenSpan;

    /// <summary>The data of the current event (multi-line data joined by <c>\n</c>). Valid until the next <see cref="ReadAsync"/>.</summary>
    public ReadOnlyMemory<byte> Data => _current;

    /// <summary>
    /// Every byte the provider sent for the current event, as sent: comment and blank lines before it, its fields and its
    /// blank line (absent when the stream ended without one). What a pass-through writes back. Valid until the next
    /// <see cref="ReadAsync"/>.
    /// </summary>
    public ReadOnlySequence<byte> Raw => _raw;

    /// <summary>After <see cref="ReadAsync"/> returned false: bytes after the last event that form no event (comments, blank lines).</summary>
    public ReadOnlySpan<byte> Trailing => _trailing;

    /// <summary>True when a complete event is buffered and can be read without waiting (scans the buffer on each call).</summary>
    public bool HasBufferedEvent => _haveBuffer && ContainsBlankLine(_buffer);

    /// <summary>Moves to the next event; false at the end of the stream.</summary>
    public async ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        while (true)
        {
            if (_haveBuffer)
            {
                if (TryParse(ref _buffer))
                {
                    return true;
                }

                if (_buffer.Length > maxEventBytes)
                {
                    throw new InvalidDataException("provider sent an oversized stream event");
                }

                if (_completed)
                {
                    _trailing = _buffer.IsEmpty ? null : _buffer.ToArray();
                    _reader.AdvanceTo(_buffer.End);
                    _haveBuffer = false;
                    return false;
                }

                _reader.AdvanceTo(_buffer.Start, _buffer.End);
                _haveBuffer = false;
            }

            var result = await _reader.ReadAsync(ct);
            _buffer = result.Buffer;
            _haveBuffer = true;
            _completed = result.IsCompleted;
            if (_completed && _buffer.IsEmpty)
            {
                _reader.AdvanceTo(_buffer.End);
                _haveBuffer = false;
                return false;
            }
        }
    }

    private bool TryParse(ref ReadOnlySequence<byte> buffer)
    {
        if (_lfPending && !buffer.IsEmpty)
        {
            // The last event ended on a CR that was the last byte read: an LF that follows it completes that CRLF.
            _lfPending = false;
            _leadingLf = buffer.FirstSpan[0] == (byte)'\n';
        }

        if (!_leadingLf && TryParseDataLine(ref buffer))
        {
            return true;
        }

        var reader = new SequenceReader<byte>(buffer);
        if (_leadingLf)
        {
            reader.Advance(1); // not a blank line: the second half of the previous event's CRLF (kept in Raw for pass-through)
        }

        _data?.ResetWrittenCount();
        _event?.ResetWrittenCount();
        _current = default;
        var fields = 0;
        while (true)
        {
            // A line ends at CR, LF or CRLF (the SSE spec's three line ends).
            var crAtEnd = false;
            if (reader.TryReadToAny(out ReadOnlySequence<byte> lineSeq, "\r\n"u8, advancePastDelimiter: false))
            {
                reader.TryRead(out var end);
                if (end == (byte)'\r' && !reader.IsNext((byte)'\n', advancePast: true))
                {
                    crAtEnd = reader.End; // a CR as the last byte read: its LF, if any, is still to come
                }
            }
            else
            {
                if (!_completed || reader.End)
                {
                    break;
                }

                lineSeq = reader.UnreadSequence; // the stream's last line, cut by its end
                reader.AdvanceToEnd();
            }

            var line = lineSeq.IsSingleSegment ? lineSeq.FirstSpan : lineSeq.ToArray();
            if (line.IsEmpty)
            {
                if (fields > 0)
                {
                    Take(ref buffer, reader.Position);
                    _lfPending = crAtEnd && !_completed;
                    return true;
                }

                continue;
            }

            if (line.StartsWith("data:"u8))
            {
                var value = line[5..];
                if (!value.IsEmpty && value[0] == (byte)' ')
                {
                    value = value[1..];
                }

                var data = _data ??= new ArrayBufferWriter<byte>(4096);
                if (fields > 0 && data.WrittenCount > 0)
                {
                    data.Write("\n"u8);
                }

                data.Write(value);
                fields++;
            }
            else if (line.StartsWith("event:"u8))
            {
                var value = line[6..];
                if (!value.IsEmpty && value[0] == (byte)' ')
                {
                    value = value[1..];
                }

                var name = _event ??= new ArrayBufferWriter<byte>(64);
                name.ResetWrittenCount();
                name.Write(value);
                fields++;
            }
        }

        // At the very end of a stream, accept a last event without its blank line.
        if (_completed && fields > 0 && reader.End)
        {
            Take(ref buffer, reader.Position);
            return true;
        }

        return false;
    }

    private void Take(ref ReadOnlySequence<byte> buffer, SequencePosition end)
    {
        _raw = buffer.Slice(buffer.Start, end);
        buffer = buffer.Slice(end);
        _leadingLf = false;
        _current = _data is null ? default : _data.WrittenMemory;
    }

    /// <summary>
    /// The common shape (every OpenAI chunk): <c>data: DATA\n\n</c> at the start of the first segment, with no CR. Its data is
    /// exposed in place (no copy) and its bytes as <see cref="Raw"/>. Anything else is left to the line parser.
    /// </summary>
    private bool TryParseDataLine(ref ReadOnlySequence<byte> buffer)
    {
        var first = buffer.First;
        var span = first.Span;
        if (!span.StartsWith("data: "u8))
        {
            return false;
        }

        var end = span.IndexOf((byte)'\n');
        if (end < 0 || end + 1 >= span.Length || span[end + 1] != (byte)'\n' || span[..end].IndexOf((byte)'\r') >= 0)
        {
            return false;
        }

        _event?.ResetWrittenCount();
        _current = first[6..end];
        _raw = new ReadOnlySequence<byte>(first[..(end + 2)]);
        buffer = buffer.Slice(end + 2);
        return true;
    }

    private static bool ContainsBlankLine(ReadOnlySequence<byte> buffer)
    {
        foreach (var segment in buffer)
        {
            // Two line ends in a row (CR, LF or CRLF each): every such pair holds LF LF, LF CR or CR CR.
            var span = segment.Span;
            if (span.IndexOf("\n\n"u8) >= 0 || span.IndexOf("\n\r"u8) >= 0 || span.IndexOf("\r\r"u8) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Releases the buffer.</summary>
    public async ValueTask CompleteAsync()
    {
        if (_haveBuffer)
        {
            _reader.AdvanceTo(_buffer.End);
            _haveBuffer = false;
        }

        await _reader.CompleteAsync();
    }
}
