using System.Buffers;
using System.Text.Json;

namespace Warden.Gateway.Proxy;

/// <summary>
/// Decides, in one pass without a DOM, whether a same-dialect (OpenAI) scrubbed stream's chunk can go to the caller as
/// the provider sent it: it must hold nothing the restorer could change and nothing the DOM path treats specially.
/// Anything unusual answers false and takes the DOM path, which stays the reference behaviour.
/// </summary>
internal static class RawChunk
{
    // '<' starts every token surrogate; a backslash may escape one (\u003c).
    private static readonly SearchValues<byte> Special = SearchValues.Create("<\\"u8);

    /// <summary>
    /// True when <paramref name="data"/> is a compact, escape-free, ASCII JSON object with no '&lt;', no top-level <c>error</c>, no
    /// non-null <c>finish_reason</c> in any choice, and a top-level <c>usage</c> whose token counts are integers or
    /// null; then <paramref name="input"/>/<paramref name="output"/> carry its counts (unchanged when absent).
    /// Invalid JSON answers false (the DOM path reports it).
    /// </summary>
    public static bool CanPassThrough(ReadOnlySpan<byte> data, ref int input, ref int output)
    {
        if (data.IsEmpty || data[0] != (byte)'{' || !Canonical(data))
        {
            return false;
        }

        int? prompt = null, completion = null;
        try
        {
            var reader = new Utf8JsonReader(data);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("error"u8))
                {
                    return false;
                }

                if (reader.ValueTextEquals("choices"u8))
                {
                    reader.Read();
                    if (!ChoicesUnfinished(ref reader))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    if (!Usage(ref reader, ref prompt, ref completion))
                    {
                        return false;
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // The root object's end, and nothing after it.
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }

        input = prompt ?? input;
        output = completion ?? output;
        return true;
    }

    /// <summary>
    /// No '&lt;' (a surrogate), no backslash (so no escaped '&lt;' and no escape the DOM writer would spell differently),
    /// no byte outside ASCII and no whitespace outside strings: the DOM path would write these bytes back unchanged.
    /// </summary>
    private static bool Canonical(ReadOnlySpan<byte> data)
    {
        if (data.IndexOfAny(Special) >= 0 || data.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0)
        {
            return false;
        }

        var inString = false;
        foreach (var b in data)
        {
            if (b == (byte)'"')
            {
                inString = !inString; // no backslash, so every quote opens or closes a string
            }
            else if (!inString && b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Every choice's finish_reason is absent or null (reader on the value of <c>choices</c>).</summary>
    private static bool ChoicesUnfinished(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return true; // the restorer ignores a chunk without a choices array
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var finish = reader.ValueTextEquals("finish_reason"u8);
                reader.Read();
                if (finish && reader.TokenType != JsonTokenType.Null)
                {
                    return false;
                }

                reader.Skip();
            }
        }

        return true;
    }

    private static bool Usage(ref Utf8JsonReader reader, ref int? prompt, ref int? completion)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return true; // not an object: the DOM path ignores it too
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var isPrompt = reader.ValueTextEquals("prompt_tokens"u8);
            var isCompletion = !isPrompt && reader.ValueTextEquals("completion_tokens"u8);
            reader.Read();
            if (isPrompt || isCompletion)
            {
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var n))
                {
                    return false;
                }

                if (isPrompt)
                {
                    prompt = n;
                }
                else
                {
                    completion = n;
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return true;
    }
}
