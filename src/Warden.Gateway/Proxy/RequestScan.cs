using System.Text.Json;
using System.Text.Unicode;
using Warden.Gateway.Errors;

namespace Warden.Gateway.Proxy;

/// <summary>
/// One forward pass over the request JSON with <see cref="Utf8JsonReader"/> (no DOM): validates it
/// whole and picks out the top-level <c>model</c> (and where its value sits, for an in-place
/// rewrite), <c>stream</c>, <c>provider</c> and <c>scrub</c>, and the token types of <c>messages</c> and <c>input</c>
/// (the fields scrubbing protects must have a shape it can walk).
/// </summary>
internal struct RequestScan
{
    public string? Model;
    public bool Stream;
    public string? Provider;

    /// <summary><c>provider</c> was present with a value other than a string or null (refused on <c>/api/proxy</c>).</summary>
    public bool ProviderNotString;
    public bool Scrub;
    public int ModelValueStart;
    public int ModelValueLength;
    public JsonTokenType Messages;
    public JsonTokenType Input;

    /// <summary>
    /// <c>input</c> is an array with an element that is not a string (token ids, or arrays of them): text Warden cannot
    /// classify or scrub, refused on <c>/v1/embeddings</c>.
    /// </summary>
    public bool InputNotText;

    /// <summary>
    /// Some string value anywhere in the body is a base64 payload (<see cref="ScrubRules.IsBinary(ReadOnlySpan{char})"/>: a
    /// <c>data:…;base64,</c> URL or ≥ 64 base64 characters): an image, audio or file that detection does not read. Tagged
    /// <c>media</c> for the policy when classification is on.
    /// </summary>
    public bool HasBinary;

    /// <summary>The end-user id members (offsets in the caller's body): top-level <c>user</c>, <c>safety_identifier</c>, <c>metadata.user_id</c>; null when none.</summary>
    public List<EndUserSpan>? EndUser;

    /// <summary>
    /// Scans <paramref name="json"/>. Throws <see cref="JsonException"/> when it is not valid JSON; 400 when it is not an
    /// object, when an object names a property twice (<see cref="DuplicateKeyGuard"/>), or when <c>stream</c> or
    /// <c>scrub</c> is not a boolean (a string there would be read differently by Warden and the provider).
    /// </summary>
    public static RequestScan Scan(ReadOnlySpan<byte> json)
    {
        // The reader does not check UTF-8 inside strings; decoding them later would fail after the request was accepted.
        if (!Utf8.IsValid(json))
        {
            throw new WardenHttpException(400, "invalid_request", "the request body is not valid UTF-8");
        }

        var scan = default(RequestScan);
        scan.ModelValueStart = -1;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 128 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new WardenHttpException(400, "invalid_request", "the request body must be a JSON object");
        }

        var keys = new DuplicateKeyGuard(json, stackalloc DuplicateKeyGuard.Name[64], stackalloc int[32]);
        try
        {
            keys.OpenObject();
            var field = Field.None;
            var memberStart = 0;
            var inMetadata = false;
            var inInput = false;
            while (reader.Read())
            {
                var token = reader.TokenType;
                if (token is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped && JsonEscapes.HasLoneSurrogate(reader.ValueSpan))
                {
                    throw new WardenHttpException(400, "invalid_request", "the request body escapes a lone UTF-16 surrogate (\\uD800-\\uDFFF without its pair)");
                }

                if (token == JsonTokenType.String && !scan.HasBinary && reader.ValueSpan.Length >= ScrubRules.MinBinaryLength)
                {
                    scan.HasBinary = IsBinary(ref reader);
                }

                if (token == JsonTokenType.PropertyName)
                {
                    keys.Add((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, reader.ValueIsEscaped);
                    memberStart = (int)reader.TokenStartIndex;
                    field = reader.CurrentDepth == 1 ? Top(ref reader)
                        : inMetadata && reader.CurrentDepth == 2 && reader.ValueTextEquals("user_id"u8) ? Field.MetadataUserId : Field.None;
                    continue;
                }

                if (field != Field.None)
                {
                    inMetadata |= field == Field.Metadata && token == JsonTokenType.StartObject;
                    inInput = field == Field.Input && token == JsonTokenType.StartArray;
                    scan.Take(field, ref reader, memberStart);
                    field = Field.None;
                }
                else if (inInput && reader.CurrentDepth <= 2)
                {
                    // An element of the top-level input array (depth 2), or that array's end (depth 1).
                    inInput = token != JsonTokenType.EndArray || reader.CurrentDepth != 1;
                    scan.InputNotText |= inInput && token != JsonTokenType.String;
                }

                if (token == JsonTokenType.StartObject)
                {
                    keys.OpenObject();
                }
                else if (token == JsonTokenType.EndObject)
                {
                    keys.CloseObject();
                    inMetadata &= reader.CurrentDepth != 1;
                    if (reader.CurrentDepth == 0)
                    {
                        break;
                    }
                }
            }
        }
        finally
        {
            keys.Dispose();
        }

        // Reject trailing garbage after the object.
        if (reader.Read())
        {
            throw new JsonException("trailing data");
        }

        return scan;
    }

    /// <summary>The scrub rules' base64 test on the value as the provider will read it (escapes decoded: an escaped <c>\/</c> must not hide a payload).</summary>
    private static bool IsBinary(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped ? ScrubRules.IsBinary(reader.GetString().AsSpan()) : ScrubRules.IsBinary(reader.ValueSpan);

    private static Field Top(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("model"u8) ? Field.Model
        : reader.ValueTextEquals("messages"u8) ? Field.Messages
        : reader.ValueTextEquals("input"u8) ? Field.Input
        : reader.ValueTextEquals("stream"u8) ? Field.Stream
        : reader.ValueTextEquals("provider"u8) ? Field.Provider
        : reader.ValueTextEquals("scrub"u8) ? Field.Scrub
        : reader.ValueTextEquals("user"u8) ? Field.User
        : reader.ValueTextEquals("safety_identifier"u8) ? Field.SafetyIdentifier
        : reader.ValueTextEquals("metadata"u8) ? Field.Metadata
        : Field.None;

    private void Take(Field field, ref Utf8JsonReader reader, int memberStart)
    {
        var token = reader.TokenType;
        switch (field)
        {
            case Field.Model when token == JsonTokenType.String:
                Model = reader.GetString();
                if (!reader.ValueIsEscaped)
                {
                    ModelValueStart = (int)reader.TokenStartIndex;
                    ModelValueLength = reader.ValueSpan.Length + 2;
                }

                break;
            case Field.Messages:
                Messages = token;
                break;
            case Field.Input:
                Input = token;
                break;
            case Field.Stream:
                Stream = Boolean(token, "stream");
                break;
            case Field.Provider:
                Provider = token == JsonTokenType.String ? reader.GetString() : null;
                ProviderNotString = token is not (JsonTokenType.String or JsonTokenType.Null);
                break;
            case Field.Scrub:
                Scrub = Boolean(token, "scrub");
                break;
            case Field.User or Field.SafetyIdentifier or Field.MetadataUserId:
                EndUserMember(ref reader, field == Field.User ? EndUserKey.User : field == Field.SafetyIdentifier ? EndUserKey.SafetyIdentifier : EndUserKey.MetadataUserId, memberStart);
                break;
        }
    }

    private static bool Boolean(JsonTokenType token, string name) => token switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False or JsonTokenType.Null => false,
        _ => throw new WardenHttpException(400, "invalid_request", $"'{name}' must be a boolean"),
    };

    private enum Field : byte
    {
        None,
        Model,
        Messages,
        Input,
        Stream,
        Provider,
        Scrub,
        User,
        SafetyIdentifier,
        Metadata,
        MetadataUserId,
    }

    /// <summary>Records an end-user id member (reader on its value: a string or null; anything else is refused).</summary>
    private void EndUserMember(ref Utf8JsonReader reader, EndUserKey key, int memberStart)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
        {
            throw Scrubbing.Unscrubbable("'user', 'safety_identifier' and 'metadata.user_id' must be strings");
        }

        var original = reader.TokenType == JsonTokenType.String ? ScrubRewriter.ReadString(ref reader) : null;
        (EndUser ??= []).Add(new EndUserSpan(key, memberStart, (int)reader.TokenStartIndex, (int)reader.BytesConsumed, original));
    }
}
