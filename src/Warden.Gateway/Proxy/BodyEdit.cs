namespace Warden.Gateway.Proxy;

/// <summary>
/// One change to a JSON body by offsets, applied by <see cref="Apply"/> without a parse: replace a value, remove a member
/// (with one adjacent comma), or append a member before the root's closing brace.
/// </summary>
internal readonly record struct BodyEdit(int Start, int End, byte[]? Bytes, byte Kind)
{
    private const byte ReplaceKind = 0;
    private const byte RemoveKind = 1;
    private const byte AppendKind = 2;

    public static BodyEdit Replace(int start, int end, byte[] bytes) => new(start, end, bytes, ReplaceKind);

    /// <summary>Removes the member from its property name (<paramref name="start"/>) to its value's end.</summary>
    public static BodyEdit RemoveMember(int start, int end) => new(start, end, null, RemoveKind);

    /// <summary>Appends <paramref name="member"/> (<c>"name":value</c>) at <paramref name="rootEnd"/>, the root's closing brace.</summary>
    public static BodyEdit AppendMember(int rootEnd, byte[] member) => new(rootEnd, rootEnd, member, AppendKind);

    /// <summary>Applies non-overlapping <paramref name="edits"/> (any order) to <paramref name="body"/>.</summary>
    public static ReadOnlyMemory<byte> Apply(ReadOnlySpan<byte> body, List<BodyEdit> edits)
    {
        edits.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        var extra = 0;
        foreach (var e in edits)
        {
            extra += (e.Bytes?.Length ?? 0) + 1;
        }

        var result = new byte[body.Length + extra];
        int at = 0, pos = 0;
        foreach (var e in edits)
        {
            body[at..e.Start].CopyTo(result.AsSpan(pos));
            pos += e.Start - at;
            at = e.End;
            switch (e.Kind)
            {
                case ReplaceKind:
                    e.Bytes.CopyTo(result.AsSpan(pos));
                    pos += e.Bytes!.Length;
                    break;
                case RemoveKind:
                    var next = SkipWhitespace(body, at);
                    if (next < body.Length && body[next] == (byte)',')
                    {
                        at = next + 1; // the member and the comma after it
                    }
                    else
                    {
                        // The object's last member: drop the comma written before it, if any.
                        var p = pos;
                        while (p > 0 && IsWhitespace(result[p - 1]))
                        {
                            p--;
                        }

                        if (p > 0 && result[p - 1] == (byte)',')
                        {
                            pos = p - 1;
                        }
                    }

                    break;
                default:
                    var q = pos;
                    while (q > 0 && IsWhitespace(result[q - 1]))
                    {
                        q--;
                    }

                    if (q > 0 && result[q - 1] != (byte)'{')
                    {
                        result[pos++] = (byte)',';
                    }

                    e.Bytes.CopyTo(result.AsSpan(pos));
                    pos += e.Bytes!.Length;
                    break;
            }
        }

        body[at..].CopyTo(result.AsSpan(pos));
        pos += body.Length - at;
        return result.AsMemory(0, pos);
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> body, int at)
    {
        while (at < body.Length && IsWhitespace(body[at]))
        {
            at++;
        }

        return at;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
