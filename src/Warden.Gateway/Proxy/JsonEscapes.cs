namespace Warden.Gateway.Proxy;

/// <summary>Checks on the raw (still escaped) bytes of a JSON string.</summary>
internal static class JsonEscapes
{
    /// <summary>
    /// True when <paramref name="raw"/> has a <c>\uD800</c>–<c>\uDBFF</c> escape not followed by a <c>\uDC00</c>–<c>\uDFFF</c>
    /// one, or a low surrogate escape with no high one before it. JSON's grammar allows them; no UTF-8 text can hold them.
    /// </summary>
    public static bool HasLoneSurrogate(ReadOnlySpan<byte> raw)
    {
        var pendingHigh = false;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != (byte)'\\')
            {
                if (pendingHigh)
                {
                    return true;
                }

                continue;
            }

            var escaped = raw[i + 1];
            if (escaped != (byte)'u')
            {
                if (pendingHigh)
                {
                    return true;
                }

                i++;
                continue;
            }

            var unit = Hex(raw.Slice(i + 2, 4));
            i += 5;
            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                if (pendingHigh)
                {
                    return true;
                }

                pendingHigh = true;
            }
            else if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                if (!pendingHigh)
                {
                    return true;
                }

                pendingHigh = false;
            }
            else if (pendingHigh)
            {
                return true;
            }
        }

        return pendingHigh;
    }

    private static int Hex(ReadOnlySpan<byte> four)
    {
        var value = 0;
        foreach (var b in four)
        {
            value = (value << 4) | (b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10);
        }

        return value;
    }
}
