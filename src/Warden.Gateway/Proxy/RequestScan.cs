using System.Text.Json;
using Warden.Gateway.Errors;

namespace Warden.Gateway.Proxy;

/// <summary>
/// One forward pass over the request JSON with <see cref="Utf8JsonReader"/> (no DOM): validates it
/// whole and picks out the top-level <c>model</c> (and where its value sits, for an in-place
/// rewrite), <c>stream</c>, <c>provider</c> and <c>scrub</c>, and the token types of <c>messages</c> and <c>input</c>
/// (the fields scrubbing protects must have a shape it can walk), and where the end-user id members sit (top-level
/// <c>user</c> and <c>safety_identifier</c>, <c>metadata.user_id</c>), so an unscrubbed body gets them stripped or hashed
/// by a splice, without another parse.
/// </summary>
internal struct RequestScan
{
    public string? Model;
    public bool Stream;
    public string? Provider;
    public bool Scrub;
    public int ModelValueStart;
    public int ModelValueLength;
    public JsonTokenType Messages;
    public JsonTokenType Input;

    /// <summary>The end-user id members (offsets in the caller's body); null when none.</summary>
    public List<EndUserSpan>? EndUser;

    /// <summary>Scans <paramref name="json"/>. Throws <see cref="JsonException"/> when it is not valid JSON, 400 when not an object.</summary>
    public static RequestScan Scan(ReadOnlySpan<byte> json)
    {
        var scan = default(RequestScan);
        scan.ModelValueStart = -1;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 128 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new WardenHttpException(400, "invalid_request", "the request body must be a JSON object");
        }

        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0)
            {
                break;
            }

            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
            {
                continue;
            }

            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    scan.Model = ScrubRewriter.ReadString(ref reader);
                    if (!reader.ValueIsEscaped)
                    {
                        scan.ModelValueStart = (int)reader.TokenStartIndex;
                        scan.ModelValueLength = reader.ValueSpan.Length + 2;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("messages"u8) || reader.ValueTextEquals("input"u8))
            {
                var messages = reader.ValueTextEquals("messages"u8);
                reader.Read();
                if (messages)
                {
                    scan.Messages = reader.TokenType;
                }
                else
                {
                    scan.Input = reader.TokenType;
                }

                reader.Skip();
            }
            else if (reader.ValueTextEquals("user"u8) || reader.ValueTextEquals("safety_identifier"u8))
            {
                var key = reader.ValueTextEquals("user"u8) ? EndUserKey.User : EndUserKey.SafetyIdentifier;
                EndUserMember(ref reader, key, ref scan.EndUser);
            }
            else if (reader.ValueTextEquals("metadata"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    if (reader.ValueTextEquals("user_id"u8))
                    {
                        EndUserMember(ref reader, EndUserKey.MetadataUserId, ref scan.EndUser);
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else if (reader.ValueTextEquals("stream"u8))
            {
                reader.Read();
                scan.Stream = reader.TokenType == JsonTokenType.True;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("provider"u8))
            {
                reader.Read();
                scan.Provider = reader.TokenType == JsonTokenType.String ? ScrubRewriter.ReadString(ref reader) : null;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("scrub"u8))
            {
                reader.Read();
                scan.Scrub = reader.TokenType == JsonTokenType.True;
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // Reject trailing garbage after the object.
        if (reader.Read())
        {
            throw new JsonException("trailing data");
        }

        return scan;
    }

    /// <summary>Records the member whose property name is under the reader (a string or null value; anything else is refused).</summary>
    private static void EndUserMember(ref Utf8JsonReader reader, EndUserKey key, ref List<EndUserSpan>? spans)
    {
        var memberStart = (int)reader.TokenStartIndex;
        reader.Read();
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
        {
            throw Scrubbing.Unscrubbable("'user', 'safety_identifier' and 'metadata.user_id' must be strings");
        }

        var original = reader.TokenType == JsonTokenType.String ? ScrubRewriter.ReadString(ref reader) : null;
        (spans ??= []).Add(new EndUserSpan(key, memberStart, (int)reader.TokenStartIndex, (int)reader.BytesConsumed, original));
    }
}
