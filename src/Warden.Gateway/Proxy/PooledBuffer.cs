using System.Buffers;

namespace Warden.Gateway.Proxy;

/// <summary>A growable byte buffer rented from <see cref="ArrayPool{T}"/>, with a hard size limit.</summary>
internal sealed class PooledBuffer : IDisposable
{
    private byte[] _array;

    public PooledBuffer(int initialSize) => _array = ArrayPool<byte>.Shared.Rent(Math.Max(initialSize, 256));

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _array.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, Length);

    public byte[] Array => _array;

    /// <summary>Reads <paramref name="stream"/> to its end. Returns false (and stops) when more than <paramref name="limit"/> bytes arrive.</summary>
    public async ValueTask<bool> ReadFromAsync(Stream stream, long limit, CancellationToken ct)
    {
        while (true)
        {
            if (Length == _array.Length)
            {
                if (Length >= limit)
                {
                    // One more byte would exceed the limit: probe.
                    var probe = new byte[1];
                    return await stream.ReadAsync(probe, ct) == 0;
                }

                Grow((int)Math.Min(limit, (long)_array.Length * 2));
            }

            var max = (int)Math.Min(_array.Length - Length, limit - Length + 1);
            var n = await stream.ReadAsync(_array.AsMemory(Length, Math.Max(max, 1)), ct);
            if (n == 0)
            {
                return true;
            }

            Length += n;
            if (Length > limit)
            {
                return false;
            }
        }
    }

    private void Grow(int size)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(size, _array.Length + 1));
        _array.AsSpan(0, Length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = bigger;
    }

    public void Dispose()
    {
        var a = _array;
        _array = [];
        Length = 0;
        if (a.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(a, clearArray: true);
        }
    }
}
