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
    // '<' starts every token surrogate; "\u003" is how JSON may escape it (\u003c, \u003C).
    private static readonly SearchValues<byte> SurrogateStart = SearchValues.Create("<\\"u8);

    /// <summary>
    /// True when <paramref name="data"/> is a JSON object with no '&lt;' (raw or escaped), no top-level <c>error</c>, no
    /// non-null <c>finish_reason</c> in any choice, and a top-level <c>usage</c> whose token counts are integers or
    /// null; then <paramref name="input"/>/<paramref name="output"/> carry its counts (unchanged when absent).
    /// Invalid JSON answers false (the DOM path reports it).
    /// </summary>
    public static bool CanPassThrough(ReadOnlySpan<byte> data, ref int input, ref int output)
    {
        var trimmed = data.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty || trimmed[0] != (byte)'{' || !NoSurrogateStart(data))
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

    /// <summary>No '&lt;' and no backslash escape that could spell one (<c>\u003c</c>).</summary>
    private static bool NoSurrogateStart(ReadOnlySpan<byte> data)
    {
        while (true)
        {
            var i = data.IndexOfAny(SurrogateStart);
            if (i < 0)
            {
                return true;
            }

            if (data[i] == (byte)'<' || data[i..].StartsWith("\\u003"u8))
            {
                return false;
            }

            data = data[(i + 2)..]; // a backslash and the character it escapes
        }
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
