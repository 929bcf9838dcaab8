namespace Warden.Gateway.Proxy;

/// <summary>What a value at one place of a request body is, for scrubbing (see <see cref="ScrubRules"/>).</summary>
internal enum ScrubContext : byte
{
    /// <summary>Free data: every string below is scrubbed (the default for any key not listed).</summary>
    Data,

    /// <summary>A structural value the API needs verbatim (an enum, an id, a name the client dispatches on).</summary>
    Keep,

    /// <summary>
    /// A function/tool name: sent verbatim (the provider must echo it back exactly, and its charset admits no surrogate),
    /// so one that holds data scrubbing protects is refused (400), never forwarded.
    /// </summary>
    ToolName,
    Root,
    Model,
    StreamOptions,
    MessageList,
    Message,
    Content,
    Part,
    Text,
    Media,
    ToolCallList,
    ToolCall,
    CallFunction,
    Arguments,
    Tools,
    Tool,
    FunctionDefs,
    FunctionDef,
    ToolChoice,
    ResponseFormat,
    JsonSchemaSpec,
    Schema,
    SchemaMap,
    SchemaList,
    Metadata,

    /// <summary>An end-user id (<c>user</c>, <c>safety_identifier</c>, <c>metadata.user_id</c>): stripped, hashed or passed per provider.</summary>
    Identity,
    Input,
    InputItem,

    /// <summary>An Anthropic setting object (<c>cache_control</c>, the request's <c>thinking</c>): its <c>type</c> and <c>ttl</c> are enums.</summary>
    Setting,

    /// <summary>A text block's <c>citations</c> array (or a document's <c>{"enabled":true}</c>).</summary>
    Citations,
    Citation,
}

/// <summary>The JSON kind of a value, the same for the reader and the DOM.</summary>
internal enum ScrubValueKind : byte
{
    String,
    Number,
    Bool,
    Null,
    Object,
    Array,
}

/// <summary>
/// The one rule table both scrub paths (<see cref="ScrubRewriter"/> over the raw bytes, <see cref="Scrubbing"/> over the
/// DOM) walk: every string value of a request is scrubbed unless its place is structural (<see cref="ScrubContext.Keep"/>),
/// a base64 payload (<see cref="ScrubContext.Media"/>) or an end-user id (<see cref="ScrubContext.Identity"/>). Object keys
/// are never changed. Places are recognised by their parent's context and their key, covering OpenAI chat and embeddings,
/// Anthropic messages and the unified proxy body; anything not listed is <see cref="ScrubContext.Data"/> (scrubbed).
/// docs/gateway.md "What scrubbing covers" lists and argues every entry.
/// </summary>
internal static class ScrubRules
{
    /// <summary>Below this length a base64-looking value is scrubbed like text (no image, audio or PDF is that small).</summary>
    public const int MinBinaryLength = 64;

    /// <summary>The context of the value of member <paramref name="key"/> of an object in context <paramref name="parent"/>.</summary>
    public static ScrubContext Member(ScrubContext parent, ReadOnlySpan<char> key) => parent switch
    {
        ScrubContext.Root => key switch
        {
            "model" => ScrubContext.Model,
            "stream_options" => ScrubContext.StreamOptions,
            "messages" => ScrubContext.MessageList,
            "input" => ScrubContext.Input,
            "system" => ScrubContext.Content,
            "tools" => ScrubContext.Tools,
            "functions" => ScrubContext.FunctionDefs,
            "tool_choice" or "function_call" => ScrubContext.ToolChoice,
            "response_format" => ScrubContext.ResponseFormat,
            "metadata" => ScrubContext.Metadata,
            "user" or "safety_identifier" => ScrubContext.Identity,
            "reasoning_effort" or "service_tier" or "verbosity" or "modalities" or "encoding_format" or "provider" => ScrubContext.Keep,
            "thinking" or "cache_control" => ScrubContext.Setting,
            _ => ScrubContext.Data,
        },
        ScrubContext.Message => key switch
        {
            "role" or "tool_call_id" => ScrubContext.Keep,
            "content" => ScrubContext.Content,
            "tool_calls" => ScrubContext.ToolCallList,
            "function_call" => ScrubContext.CallFunction,
            _ => ScrubContext.Data,
        },
        ScrubContext.Part => key switch
        {
            "type" or "id" or "tool_use_id" or "signature" or "file_id" => ScrubContext.Keep,
            "name" => ScrubContext.ToolName, // tool_use, server_tool_use, mcp_tool_use
            "text" => ScrubContext.Text,
            "content" => ScrubContext.Content,
            "image_url" or "input_audio" or "file" or "source" => ScrubContext.Media,

            // Opaque provider payloads passed back verbatim (redacted_thinking.data, web search results): kept only when base64.
            "data" or "encrypted_content" => ScrubContext.Media,
            "cache_control" => ScrubContext.Setting,
            "citations" => ScrubContext.Citations,
            _ => ScrubContext.Data, // thinking text, document title and context, tool_use input, ...
        },
        ScrubContext.Media => key switch
        {
            "type" or "media_type" or "format" or "detail" or "file_id" => ScrubContext.Keep,
            "url" or "data" or "file_data" => ScrubContext.Media,
            "content" => ScrubContext.Content,
            _ => ScrubContext.Data,
        },
        ScrubContext.ToolCall => key switch
        {
            "id" or "type" => ScrubContext.Keep,
            "function" => ScrubContext.CallFunction,
            _ => ScrubContext.Data,
        },
        ScrubContext.CallFunction => key switch
        {
            "name" => ScrubContext.ToolName,
            "arguments" => ScrubContext.Arguments,
            _ => ScrubContext.Data,
        },
        ScrubContext.Tool => key switch
        {
            "type" => ScrubContext.Keep,
            "name" => ScrubContext.ToolName,
            "function" => ScrubContext.FunctionDef,
            "input_schema" => ScrubContext.Schema,
            "cache_control" => ScrubContext.Setting,
            _ => ScrubContext.Data,
        },
        ScrubContext.FunctionDef => key switch
        {
            "name" => ScrubContext.ToolName,
            "parameters" => ScrubContext.Schema,
            _ => ScrubContext.Data,
        },
        ScrubContext.ToolChoice => key switch
        {
            "type" or "mode" => ScrubContext.Keep,
            "name" => ScrubContext.ToolName,
            "function" or "tools" => ScrubContext.ToolChoice,
            _ => ScrubContext.Data,
        },
        ScrubContext.ResponseFormat => key switch
        {
            "type" => ScrubContext.Keep,
            "json_schema" => ScrubContext.JsonSchemaSpec,
            _ => ScrubContext.Data,
        },
        ScrubContext.JsonSchemaSpec => key switch
        {
            "name" => ScrubContext.Keep,
            "schema" => ScrubContext.Schema,
            _ => ScrubContext.Data,
        },
        ScrubContext.Schema => key switch
        {
            "type" or "format" or "$ref" or "$schema" or "$id" or "$anchor" or "$dynamicRef" or "$dynamicAnchor" or "required"
                or "contentEncoding" or "contentMediaType" => ScrubContext.Keep,
            "properties" or "patternProperties" or "$defs" or "definitions" or "dependentSchemas" => ScrubContext.SchemaMap,
            "items" or "additionalProperties" or "not" or "if" or "then" or "else" or "contains" or "propertyNames"
                or "unevaluatedItems" or "unevaluatedProperties" or "additionalItems" => ScrubContext.Schema,
            "anyOf" or "oneOf" or "allOf" or "prefixItems" => ScrubContext.SchemaList,
            _ => ScrubContext.Data, // description, title, default, examples, enum, const, pattern, $comment, unknown keywords
        },
        ScrubContext.SchemaMap => ScrubContext.Schema,
        ScrubContext.Metadata => key is "user_id" ? ScrubContext.Identity : ScrubContext.Data,
        ScrubContext.Setting => key is "type" or "ttl" ? ScrubContext.Keep : ScrubContext.Data,
        ScrubContext.Citation => key switch
        {
            "type" or "file_id" => ScrubContext.Keep,
            "encrypted_index" => ScrubContext.Media,
            _ => ScrubContext.Data, // cited_text, document_title, url, title: quoted from scrubbed input, scrubbed again
        },
        _ => ScrubContext.Data,
    };

    /// <summary>The context of each element of an array in context <paramref name="array"/>.</summary>
    public static ScrubContext Element(ScrubContext array) => array switch
    {
        ScrubContext.MessageList => ScrubContext.Message,
        ScrubContext.Content => ScrubContext.Part,
        ScrubContext.ToolCallList => ScrubContext.ToolCall,
        ScrubContext.Tools => ScrubContext.Tool,
        ScrubContext.FunctionDefs => ScrubContext.FunctionDef,
        ScrubContext.SchemaList or ScrubContext.Schema => ScrubContext.Schema,
        ScrubContext.Input => ScrubContext.InputItem,
        ScrubContext.Citations => ScrubContext.Citation,
        ScrubContext.Keep or ScrubContext.ToolChoice => array,
        _ => ScrubContext.Data,
    };

    /// <summary>
    /// Null when a value of <paramref name="kind"/> may stand in <paramref name="context"/>; else why the request is refused
    /// (400: the text fields of these shapes must have a shape both paths walk as the APIs define it).
    /// </summary>
    public static string? Refusal(ScrubContext context, ScrubValueKind kind) => context switch
    {
        ScrubContext.Message when kind != ScrubValueKind.Object => "each message must be an object",
        ScrubContext.Content when kind is not (ScrubValueKind.String or ScrubValueKind.Array or ScrubValueKind.Null) =>
            "'content' must be a string, an array of parts or null",
        ScrubContext.Part when kind != ScrubValueKind.Object => "each content part must be an object",
        ScrubContext.Text when kind is not (ScrubValueKind.String or ScrubValueKind.Null) => "'text' must be a string",
        ScrubContext.ToolCallList when kind is not (ScrubValueKind.Array or ScrubValueKind.Null) => "'tool_calls' must be an array",
        ScrubContext.ToolCall when kind != ScrubValueKind.Object => "each tool call must be an object with a 'function' object",
        ScrubContext.CallFunction when kind is not (ScrubValueKind.Object or ScrubValueKind.Null) =>
            "each tool call must be an object with a 'function' object",
        ScrubContext.Arguments when kind is not (ScrubValueKind.String or ScrubValueKind.Null) => "'arguments' must be a string",
        ScrubContext.Input when kind is not (ScrubValueKind.String or ScrubValueKind.Array or ScrubValueKind.Null) => "'input' must be a string",
        ScrubContext.InputItem when kind == ScrubValueKind.Object => "'input' items must be strings or token arrays",
        ScrubContext.Identity when kind is not (ScrubValueKind.String or ScrubValueKind.Null) =>
            "'user', 'safety_identifier' and 'metadata.user_id' must be strings",
        _ => null,
    };

    /// <summary>What happens to a string value in <paramref name="context"/>: kept verbatim, or scrubbed.</summary>
    public static bool KeepsString(ScrubContext context, ReadOnlySpan<char> value) => context switch
    {
        ScrubContext.Keep or ScrubContext.Model or ScrubContext.ToolName => true,
        ScrubContext.Media => IsBinary(value),
        _ => false,
    };

    /// <summary>
    /// A base64 payload (an image, audio or PDF), left as it came: a <c>data:...;base64,</c> URL or a bare base64 string, at
    /// least <see cref="MinBinaryLength"/> characters of the base64 alphabet (standard or URL-safe). Detection never runs over
    /// such bytes (its findings there would be noise and its replacements would corrupt the file). Anything else in a media
    /// field (an http URL, a plain-text document's <c>data</c>) is scrubbed like text.
    /// </summary>
    public static bool IsBinary(ReadOnlySpan<char> value)
    {
        if (value.StartsWith("data:", StringComparison.Ordinal))
        {
            var comma = value.IndexOf(',');
            if (comma < 0 || !value[..comma].EndsWith(";base64", StringComparison.Ordinal))
            {
                return false;
            }

            value = value[(comma + 1)..];
        }

        return value.Length >= MinBinaryLength && !value.ContainsAnyExcept(Base64Chars);
    }

    /// <summary><see cref="IsBinary(ReadOnlySpan{char})"/> over UTF-8 (an unescaped JSON string's bytes).</summary>
    public static bool IsBinary(ReadOnlySpan<byte> value)
    {
        if (value.StartsWith("data:"u8))
        {
            var comma = value.IndexOf((byte)',');
            if (comma < 0 || !value[..comma].EndsWith(";base64"u8))
            {
                return false;
            }

            value = value[(comma + 1)..];
        }

        return value.Length >= MinBinaryLength && !value.ContainsAnyExcept(Base64Bytes);
    }

    private static readonly System.Buffers.SearchValues<byte> Base64Bytes =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_"u8);

    private static readonly System.Buffers.SearchValues<char> Base64Chars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_");
}
