using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Gateway.Errors;
using Warden.Gateway.Providers;
using Warden.Gateway.Translation;

namespace Warden.Gateway.Proxy;

/// <summary>What leaves for each target: the caller's bytes (spliced), the one-pass scrubbed bytes, or the canonical DOM form.</summary>
internal sealed partial class ProxyHandler
{
    /// <summary>The request body for one target: the caller's bytes when possible, else the translated canonical form.</summary>
    private ReadOnlyMemoryContent BuildContent(RequestState s, RouteTarget target)
    {
        if (s.Kind == ApiKind.Embeddings && target.Provider.Format != WireFormat.OpenAI)
        {
            throw new WardenHttpException(400, "unsupported", $"provider '{target.Provider.Name}' does not offer embeddings");
        }

        var endUser = target.Provider.Options.EndUserIdMode;
        var passthrough = s.Kind != ApiKind.UnifiedProxy && s.Session is null && target.Provider.Format == s.CallerFormat;
        if (passthrough)
        {
            var endUserEdits = s.Scan.EndUser is not null && endUser != EndUserIdMode.Pass;
            var sameModel = string.Equals(target.Model, s.Scan.Model, StringComparison.Ordinal);
            if (sameModel && !endUserEdits)
            {
                return new ReadOnlyMemoryContent(s.Body.Memory);
            }

            if (sameModel || s.Scan.ModelValueStart >= 0)
            {
                return new ReadOnlyMemoryContent(SpliceCallerBody(s, target.Model, sameModel, endUserEdits ? endUser : EndUserIdMode.Pass));
            }
        }

        if (s.Session is not null && s.Kind == ApiKind.AnthropicMessages && target.Provider.Format == WireFormat.Anthropic)
        {
            // Anthropic to Anthropic: the caller's bytes scrubbed in one pass, so documents, cache_control, thinking blocks,
            // citations, top_k and server tools reach the provider as sent (the canonical form would drop them).
            s.Scrubbed ??= ProtectBody(s);
            return new ReadOnlyMemoryContent(s.Scrubbed.ForTarget(target.Model, s.Scan.Model, includeUsage: false, endUser, _endUserHasher)
                ?? AnthropicScrubbedForTarget(s.Scrubbed, target.Model, endUser));
        }

        if (s.Session is not null && s.Canonical is null && s.Kind is ApiKind.OpenAIChat or ApiKind.Embeddings && target.Provider.Format == WireFormat.OpenAI)
        {
            // Same dialect: scrub the caller's bytes in one pass (no DOM), splice model, stream_options and end-user ids per target.
            s.Scrubbed ??= ProtectBody(s);
            if (s.Scrubbed.ForTarget(target.Model, s.Scan.Model, s.Scan.Stream && s.Kind != ApiKind.Embeddings, endUser, _endUserHasher) is { } scrubbed)
            {
                return new ReadOnlyMemoryContent(scrubbed);
            }
        }

        var canonical = s.Canonical ??= BuildCanonical(s);
        canonical["model"] = target.Model;
        s.EndUser!.ApplyTo(canonical, endUser, _endUserHasher);
        JsonObject outgoing = canonical;
        if (s.Kind != ApiKind.Embeddings)
        {
            if (s.Scan.Stream && target.Provider.Format == WireFormat.OpenAI)
            {
                canonical["stream_options"] = new JsonObject { ["include_usage"] = true };
            }

            if (target.Provider.Format == WireFormat.Anthropic)
            {
                outgoing = RequestTranslator.OpenAIToAnthropic(canonical, target.Provider.Options.DefaultMaxTokens);
            }
        }

        return new ReadOnlyMemoryContent(Serialize(outgoing));
    }

    /// <summary>The caller's (unscrubbed) bytes with the target's model and its end-user id handling spliced in.</summary>
    private ReadOnlyMemory<byte> SpliceCallerBody(RequestState s, string model, bool sameModel, EndUserIdMode endUser)
    {
        var edits = new List<BodyEdit>(3);
        if (!sameModel)
        {
            edits.Add(BodyEdit.Replace(s.Scan.ModelValueStart, s.Scan.ModelValueStart + s.Scan.ModelValueLength,
                ScrubRewriter.Quoted(JsonEncodedText.Encode(model).EncodedUtf8Bytes)));
        }

        if (endUser != EndUserIdMode.Pass)
        {
            foreach (var field in s.Scan.EndUser!)
            {
                if (field.Edit(endUser, _endUserHasher) is { } edit)
                {
                    edits.Add(edit);
                }
            }
        }

        return BodyEdit.Apply(s.Body.Span, edits);
    }

    /// <summary>The scrubbed Anthropic body for a target when the splice cannot be made (an escaped <c>model</c>): the same bytes through a DOM.</summary>
    private ReadOnlyMemory<byte> AnthropicScrubbedForTarget(ScrubRewriter scrubbed, string model, EndUserIdMode endUser)
    {
        var node = ParseObject(scrubbed.Body.Span);
        node["model"] = model;
        var fields = EndUserFields.Read(node);
        fields.TakeOriginals(scrubbed.EndUser);
        fields.ApplyTo(node, endUser, _endUserHasher);
        return Serialize(node);
    }

    private static ScrubRewriter ProtectBody(RequestState s)
    {
        try
        {
            return ScrubRewriter.Protect(s.Body.Span, s.Session!, s.PassEndUser);
        }
        catch (Exception ex) when (ex is not WardenHttpException)
        {
            throw new WardenHttpException(503, "scrub_failed", "scrubbing failed; the request was not forwarded");
        }
    }

    private static JsonObject BuildCanonical(RequestState s)
    {
        if (s.Session is not null && s.Kind == ApiKind.AnthropicMessages)
        {
            // One scrub whatever the targets: an Anthropic target gets these bytes, an OpenAI one their translation.
            s.Scrubbed ??= ProtectBody(s);
        }

        if (s.Scrubbed is { } scrubbed)
        {
            // Already scrubbed in the one-pass form (a fallback target needs the DOM): never protect twice.
            var parsed = ParseObject(scrubbed.Body.Span);
            var originals = scrubbed.EndUser;
            if (s.Kind == ApiKind.AnthropicMessages)
            {
                // An Anthropic caller scrubbed for an Anthropic target, now falling back to an OpenAI one: translate the
                // scrubbed body; its metadata.user_id is the canonical user.
                parsed = RequestTranslator.AnthropicToOpenAI(parsed);
                originals = originals?.ConvertAll(e => e.Key == EndUserKey.MetadataUserId ? e with { Key = EndUserKey.User } : e);
            }

            s.EndUser = EndUserFields.Read(parsed);
            s.EndUser.TakeOriginals(originals);
            return parsed;
        }

        var node = ParseObject(s.Body.Span);
        if (s.Kind == ApiKind.AnthropicMessages)
        {
            node = RequestTranslator.AnthropicToOpenAI(node);
        }
        else if (s.Kind == ApiKind.UnifiedProxy)
        {
            node.Remove("provider");
            node.Remove("scrub");
            if (node["messages"] is not JsonArray)
            {
                throw new WardenHttpException(400, "invalid_request", "'messages' must be an array");
            }
        }

        if (s.Session is null)
        {
            s.EndUser = EndUserFields.Read(node);
            return node;
        }

        try
        {
            s.EndUser = Scrubbing.Protect(node, s.Session, s.PassEndUser);
        }
        catch (Exception ex) when (ex is not WardenHttpException)
        {
            throw new WardenHttpException(503, "scrub_failed", "scrubbing failed; the request was not forwarded");
        }

        return node;
    }

    /// <summary>
    /// The body as a DOM, as deep as the request scan allows. A property name repeated anywhere is 400 (a DOM holds one
    /// value per name, so which one the provider would read cannot be shown scrubbed); the one-pass rewrite instead scrubs
    /// every occurrence.
    /// </summary>
    internal static JsonObject ParseObject(ReadOnlySpan<byte> body)
    {
        try
        {
            return JsonNode.Parse(body, documentOptions: DomOptions) as JsonObject
                ?? throw new WardenHttpException(400, "invalid_request", "the request body must be a JSON object");
        }
        catch (JsonException)
        {
            throw new WardenHttpException(400, "invalid_request", "the request body is not valid JSON, nests deeper than 128 levels or repeats a property name");
        }
    }

    private static readonly JsonDocumentOptions DomOptions = new() { MaxDepth = 128, AllowDuplicateProperties = false };

    internal static ReadOnlyMemory<byte> Serialize(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, RelaxedJson))
        {
            node.WriteTo(writer);
        }

        return buffer.WrittenMemory;
    }
}
