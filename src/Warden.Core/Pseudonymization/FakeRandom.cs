using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Warden.Core.Pseudonymization;

/// <summary>
/// A deterministic random stream for one fake: HMAC-SHA256(session key, type ‖ value ‖ attempt ‖ block). The same
/// session, value and attempt always give the same stream; without the session key nothing can be predicted or
/// reversed (the key lives only in the session, in memory).
/// </summary>
internal sealed class FakeRandom
{
    private readonly byte[] _key;
    private readonly byte[] _seed;
    private readonly byte[] _block = new byte[32];
    private int _used = 32;
    private int _counter;

    public FakeRandom(byte[] key, string type, string value, int attempt)
    {
        _key = key;
        _seed = Encoding.UTF8.GetBytes($"{type}\0{value}\0{attempt}\0");
    }

    /// <summary>A uniform integer in [0, max).</summary>
    public int Next(int max)
    {
        if (max <= 1)
        {
            return 0;
        }

        // Rejection sampling on 32-bit values: no modulo bias.
        var limit = uint.MaxValue - (uint.MaxValue % (uint)max);
        while (true)
        {
            var v = NextUInt();
            if (v < limit)
            {
                return (int)(v % (uint)max);
            }
        }
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    public char Digit(bool nonZero = false) => (char)('0' + (nonZero ? 1 + Next(9) : Next(10)));

    public char Letter(bool upper) => (char)((upper ? 'A' : 'a') + Next(26));

    private uint NextUInt()
    {
        if (_used + 4 > _block.Length)
        {
            var input = new byte[_seed.Length + 4];
            _seed.CopyTo(input, 0);
            BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(_seed.Length), _counter++);
            HMACSHA256.HashData(_key, input, _block);
            _used = 0;
        }

        var v = BinaryPrimitives.ReadUInt32LittleEndian(_block.AsSpan(_used));
        _used += 4;
        return v;
    }
}
