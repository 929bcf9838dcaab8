using System.Buffers;
using System.Runtime.Intrinsics;

namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// The maximal runs of ASCII digits of one text, found once per <see cref="DetectionEngine.Analyze"/> call by one
/// vectorized pass and shared by every digit-anchored recognizer (card, IBAN, SSN, national ids, numeric dates): each of
/// them walks this list instead of searching the text for digits again, and learns how many digits a candidate run holds
/// and how long its longest digit run is without looking at its characters.
/// </summary>
internal sealed class DigitRuns
{
    [ThreadStatic]
    private static DigitRuns? t_shared;

    [ThreadStatic]
    private static DigitRuns? t_spare;

    private int[] _starts = [];
    private int[] _ends = [];

    private DigitRuns()
    {
    }

    /// <summary>The text the runs belong to (null when the instance is idle).</summary>
    public string? Text { get; private set; }

    public int Count { get; private set; } = -1;

    public int Start(int k) => _starts[k];

    public int End(int k) => _ends[k];

    /// <summary>
    /// The runs of <paramref name="text"/>: the shared ones while the engine analyses this text on this thread, otherwise
    /// a fresh list.
    /// </summary>
    public static DigitRuns For(string text)
    {
        if (t_shared is { } shared && ReferenceEquals(shared.Text, text))
        {
            if (shared.Count < 0)
            {
                shared.Build();
            }

            return shared;
        }

        var own = new DigitRuns { Text = text };
        own.Build();
        return own;
    }

    /// <summary>
    /// Shares the runs of <paramref name="text"/> on this thread (built on first use) until <see cref="EndShare"/>, which
    /// gets the returned value (the share this one nests in, if a recognizer analyses another text).
    /// </summary>
    public static DigitRuns? BeginShare(string text)
    {
        var previous = t_shared;
        var shared = t_spare ?? new DigitRuns();
        t_spare = null;
        shared.Text = text;
        shared.Count = -1;
        t_shared = shared;
        return previous;
    }

    /// <summary>Ends the share begun by <see cref="BeginShare"/> and keeps the buffers for the next call on this thread.</summary>
    public static void EndShare(DigitRuns? previous)
    {
        var shared = t_shared;
        t_shared = previous;
        if (shared is not null)
        {
            shared.Text = null;
            shared.Count = -1;
            if (shared._starts.Length > MaxPooledRuns)
            {
                shared.ReturnBuffers();
            }

            t_spare = shared;
        }
    }

    /// <summary>Buffers larger than this are not kept between calls (bounded memory per thread).</summary>
    private const int MaxPooledRuns = 1 << 16;

    /// <summary>
    /// Digit statistics of the runs that start in [<paramref name="k"/>-th run, <paramref name="end"/>): how many digits and
    /// the longest run. Returns the index of the first run at or after <paramref name="end"/>.
    /// </summary>
    public int Stats(int k, int end, out int digits, out int longest)
    {
        digits = 0;
        longest = 0;
        for (; k < Count && _starts[k] < end; k++)
        {
            var length = Math.Min(_ends[k], end) - _starts[k];
            digits += length;
            longest = Math.Max(longest, length);
        }

        return k;
    }

    /// <summary>
    /// Doubles the buffers with arrays from the shared pool: a long text's hundreds of thousands of runs (megabytes) are not
    /// allocated again on every call (the thread keeps buffers only up to <see cref="MaxPooledRuns"/>).
    /// </summary>
    private void Grow(int n)
    {
        var size = Math.Max(64, n * 2);
        var starts = ArrayPool<int>.Shared.Rent(size);
        var ends = ArrayPool<int>.Shared.Rent(size);
        _starts.AsSpan(0, n).CopyTo(starts);
        _ends.AsSpan(0, n).CopyTo(ends);
        ReturnBuffers();
        _starts = starts;
        _ends = ends;
    }

    private void ReturnBuffers()
    {
        if (_starts.Length > 0)
        {
            ArrayPool<int>.Shared.Return(_starts);
            ArrayPool<int>.Shared.Return(_ends);
        }

        _starts = [];
        _ends = [];
    }

    /// <summary>
    /// One pass over the text, 32, 16 or 8 characters per step (the widest accelerated vector): a vector compare gives the block's digits as a bit mask, and
    /// the bits where digit and non-digit alternate are the runs' starts and ends. Two searches per run (the next digit, the
    /// next non-digit) cost more than the whole pass on short texts with many short runs (dates, phone numbers, amounts).
    /// </summary>
    private void Build()
    {
        var span = Text.AsSpan();
        var u = System.Runtime.InteropServices.MemoryMarshal.Cast<char, ushort>(span);
        var n = 0;
        var i = 0;
        var inRun = false;
        var runStart = 0;
        var width = Vector512.IsHardwareAccelerated ? 32 : Vector256.IsHardwareAccelerated ? 16 : Vector128.IsHardwareAccelerated ? 8 : int.MaxValue;
        var blockMask = width >= 32 ? uint.MaxValue : (1u << width) - 1;
        while (i <= u.Length - width)
        {
            var block = u.Slice(i, width);
            var digits = width == 32 ? DigitMask512(block) : width == 16 ? DigitMask256(block) : DigitMask128(block);
            if (digits == (inRun ? blockMask : 0))
            {
                // A block without a change: jump to the next one with the library's unrolled search (long prose without
                // digits, long digit walls), then go on block by block from there.
                var rel = inRun ? span[i..].IndexOfAnyExceptInRange('0', '9') : span[i..].IndexOfAnyInRange('0', '9');
                i = rel < 0 ? span.Length : i + rel;
                continue;
            }

            var changes = (digits ^ ((digits << 1) | (inRun ? 1u : 0u))) & blockMask;
            AddChanges(changes, i, ref inRun, ref runStart, ref n);
            i += width;
        }

        for (; i < span.Length; i++)
        {
            if (char.IsAsciiDigit(span[i]) != inRun)
            {
                AddChanges(1, i, ref inRun, ref runStart, ref n);
            }
        }

        if (inRun)
        {
            Add(runStart, span.Length, ref n);
        }

        Count = n;
    }

    private static uint DigitMask512(ReadOnlySpan<ushort> block) =>
        (uint)Vector512.ExtractMostSignificantBits(Vector512.LessThan(Vector512.Create(block) - Vector512.Create((ushort)'0'), Vector512.Create((ushort)10)));

    private static uint DigitMask256(ReadOnlySpan<ushort> block) =>
        Vector256.ExtractMostSignificantBits(Vector256.LessThan(Vector256.Create(block) - Vector256.Create((ushort)'0'), Vector256.Create((ushort)10)));

    private static uint DigitMask128(ReadOnlySpan<ushort> block) =>
        Vector128.ExtractMostSignificantBits(Vector128.LessThan(Vector128.Create(block) - Vector128.Create((ushort)'0'), Vector128.Create((ushort)10)));

    /// <summary>Walks the set bits of <paramref name="changes"/> (positions from <paramref name="offset"/> where a run starts or
    /// ends, alternately).</summary>
    private void AddChanges(uint changes, int offset, ref bool inRun, ref int runStart, ref int n)
    {
        while (changes != 0)
        {
            var at = offset + System.Numerics.BitOperations.TrailingZeroCount(changes);
            changes &= changes - 1;
            if (inRun)
            {
                Add(runStart, at, ref n);
            }
            else
            {
                runStart = at;
            }

            inRun = !inRun;
        }
    }

    private void Add(int start, int end, ref int n)
    {
        if (n == _starts.Length)
        {
            Grow(n);
        }

        _starts[n] = start;
        _ends[n] = end;
        n++;
    }
}
