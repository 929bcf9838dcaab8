using System.Buffers;
using System.Text;
using System.Text.Json;
using Warden.Gateway.Errors;

namespace Warden.Gateway.Proxy;

/// <summary>
/// Refuses a JSON body in which one object names the same property twice, at any depth. Parsers disagree on
/// duplicates (first wins, last wins, error), so Warden could check one <c>model</c> or scrub one <c>messages</c>
/// while the provider reads the other. Fed the reader's tokens by <see cref="RequestScan"/> in its one pass.
/// </summary>
/// <remarks>
/// Names of open objects sit on one stack as offsets into the body (no copy). An object compares a new name with its
/// earlier ones while it has few; past <see cref="LinearLimit"/> names it switches to a hash set, so a huge object stays
/// linear. Escaped names are compared unescaped (<c>"mod\u0065l"</c> is <c>model</c>).
/// </remarks>
internal ref struct DuplicateKeyGuard
{
    internal const int LinearLimit = 16;

    private readonly ReadOnlySpan<byte> _json;
    private Span<Name> _names;
    private Span<int> _frames;
    private Name[]? _rentedNames;
    private int[]? _rentedFrames;
    private List<HashSet<string>?>? _sets;
    private int _nameCount;
    private int _depth;

    public DuplicateKeyGuard(ReadOnlySpan<byte> json, Span<Name> names, Span<int> frames)
    {
        _json = json;
        _names = names;
        _frames = frames;
    }

    public void OpenObject()
    {
        if (_depth == _frames.Length)
        {
            Grow(ref _frames, ref _rentedFrames);
        }

        _frames[_depth++] = _nameCount;
        if (_sets is not null && _sets.Count >= _depth)
        {
            _sets[_depth - 1] = null;
        }
    }

    public void CloseObject()
    {
        _depth--;
        _nameCount = _frames[_depth];
    }

    /// <summary>Records a property name (where its bytes sit between the quotes); throws 400 when the current object already has it.</summary>
    public void Add(int start, int length, bool escaped)
    {
        var first = _frames[_depth - 1];
        var set = _sets is not null && _sets.Count >= _depth ? _sets[_depth - 1] : null;
        var name = new Name(start, length, escaped);
        if (set is not null)
        {
            var text = Text(name);
            if (!set.Add(text))
            {
                throw Duplicate(text);
            }

            return;
        }

        for (var i = first; i < _nameCount; i++)
        {
            if (Same(_names[i], name))
            {
                throw Duplicate(Text(name));
            }
        }

        if (_nameCount - first + 1 > LinearLimit)
        {
            ToSet(first, Text(name));
            return;
        }

        if (_nameCount == _names.Length)
        {
            Grow(ref _names, ref _rentedNames);
        }

        _names[_nameCount++] = name;
    }

    public void Dispose()
    {
        if (_rentedNames is not null)
        {
            ArrayPool<Name>.Shared.Return(_rentedNames);
        }

        if (_rentedFrames is not null)
        {
            ArrayPool<int>.Shared.Return(_rentedFrames);
        }
    }

    private readonly bool Same(Name earlier, Name current) =>
        earlier.Escaped || current.Escaped
            ? Text(earlier) == Text(current)
            : _json.Slice(earlier.Start, earlier.Length).SequenceEqual(_json.Slice(current.Start, current.Length));

    private readonly string Text(Name name)
    {
        var raw = _json.Slice(name.Start, name.Length);
        return name.Escaped ? Unescape(raw) : Encoding.UTF8.GetString(raw);
    }

    private void ToSet(int start, string current)
    {
        var set = new HashSet<string>(StringComparer.Ordinal) { current };
        for (var i = start; i < _nameCount; i++)
        {
            set.Add(Text(_names[i]));
        }

        _nameCount = start;
        _sets ??= [];
        while (_sets.Count < _depth)
        {
            _sets.Add(null);
        }

        _sets[_depth - 1] = set;
    }

    private static string Unescape(ReadOnlySpan<byte> quotedContent)
    {
        // The raw bytes between the quotes, re-read as a JSON string to undo escapes.
        var buffer = new byte[quotedContent.Length + 2];
        buffer[0] = (byte)'"';
        quotedContent.CopyTo(buffer.AsSpan(1));
        buffer[^1] = (byte)'"';
        var r = new Utf8JsonReader(buffer);
        r.Read();
        return r.GetString()!;
    }

    private static void Grow<T>(ref Span<T> span, ref T[]? rented)
    {
        var bigger = ArrayPool<T>.Shared.Rent(span.Length * 2);
        span.CopyTo(bigger);
        if (rented is not null)
        {
            ArrayPool<T>.Shared.Return(rented);
        }

        rented = bigger;
        span = bigger;
    }

    private static WardenHttpException Duplicate(string name) =>
        new(400, "invalid_request", $"the request body names the property '{Truncate(name)}' twice in one object");

    private static string Truncate(string name) => name.Length <= 64 ? name : string.Concat(name.AsSpan(0, 64), "…");

    /// <summary>Where one property name sits in the body: the bytes between its quotes.</summary>
    internal readonly record struct Name(int Start, int Length, bool Escaped);
}
