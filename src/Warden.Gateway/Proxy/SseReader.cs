using System.Buffers;
using System.IO.Pipelines;

namespace Warden.Gateway.Proxy;

/// <summary>
/// Reads server-sent events from a provider stream, event by event. Only an incomplete event is
/// ever buffered (bounded by <c>maxEventBytes</c>), so memory stays flat however long the stream.
/// </summary>
internal sealed class SseReader(Stream stream, int maxEventBytes)
{
    private readonly PipeReader _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true));
    private readonly ArrayBufferWriter<byte> _data = new(4096);
    private readonly ArrayBufferWriter<byte> _event = new(64);
    private ReadOnlySequence<byte> _buffer;
    private bool _haveBuffer;
    private bool _completed;

    /// <summary>The event name of the current event (empty when none).</summary>
    public ReadOnlySpan<byte> EventName => _event.WrittenSpan;

    /// <summary>The data of the current event (multi-line data joined by <c>\n</c>).</summary>
    public ReadOnlyMemory<byte> Data => _data.WrittenMemory;

    /// <summary>True when a complete event is buffered and can be read without waiting.</summary>
    public bool HasBufferedEvent { get; private set; }

    /// <summary>Moves to the next event; false at the end of the stream.</summary>
    public async ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        while (true)
        {
            if (_haveBuffer)
            {
                if (TryParse(ref _buffer))
                {
                    HasBufferedEvent = ContainsBlankLine(_buffer);
                    return true;
                }

                if (_buffer.Length > maxEventBytes)
                {
                    throw new InvalidDataException("provider sent an oversized stream event");
                }

                _reader.AdvanceTo(_buffer.Start, _buffer.End);
                _haveBuffer = false;
                if (_completed)
                {
                    return false;
                }
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
        var reader = new SequenceReader<byte>(buffer);
        _data.ResetWrittenCount();
        _event.ResetWrittenCount();
        var fields = 0;
        while (reader.TryReadTo(out ReadOnlySequence<byte> lineSeq, (byte)'\n'))
        {
            var line = lineSeq.IsSingleSegment ? lineSeq.FirstSpan : lineSeq.ToArray();
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                if (fields > 0)
                {
                    buffer = buffer.Slice(reader.Position);
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

                if (fields > 0 && _data.WrittenCount > 0)
                {
                    _data.Write("\n"u8);
                }

                _data.Write(value);
                fields++;
            }
            else if (line.StartsWith("event:"u8))
            {
                var value = line[6..];
                if (!value.IsEmpty && value[0] == (byte)' ')
                {
                    value = value[1..];
                }

                _event.ResetWrittenCount();
                _event.Write(value);
                fields++;
            }
        }

        // At the very end of a stream, accept a last event without its blank line.
        if (_completed && fields > 0 && reader.Remaining == 0)
        {
            buffer = buffer.Slice(reader.Position);
            return true;
        }

        return false;
    }

    private static bool ContainsBlankLine(ReadOnlySequence<byte> buffer)
    {
        foreach (var segment in buffer)
        {
            if (segment.Span.IndexOf("\n\n"u8) >= 0 || segment.Span.IndexOf("\r\n\r\n"u8) >= 0)
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
