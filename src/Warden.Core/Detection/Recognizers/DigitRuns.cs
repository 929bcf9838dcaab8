using System.Buffers;

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

    private void Build()
    {
        var span = Text.AsSpan();
        var n = 0;
        var pos = 0;
        while (pos < span.Length)
        {
            var rel = span[pos..].IndexOfAnyInRange('0', '9');
            if (rel < 0)
            {
                break;
            }

            var s = pos + rel;
            var r = span[(s + 1)..].IndexOfAnyExceptInRange('0', '9');
            var e = r < 0 ? span.Length : s + 1 + r;
            if (n == _starts.Length)
            {
                Grow(n);
            }

            _starts[n] = s;
            _ends[n] = e;
            n++;
            pos = e;
        }

        Count = n;
    }
}
