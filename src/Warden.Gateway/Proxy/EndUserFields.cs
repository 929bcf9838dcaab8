using System.Text.Json.Nodes;

namespace Warden.Gateway.Proxy;

/// <summary>
/// The end-user id fields of a canonical (OpenAI-shaped) request, with the values the caller sent and the values after
/// scrubbing; <see cref="ApplyTo"/> sets them on the outgoing request as one target's <see cref="EndUserIdMode"/> says
/// (the DOM path's counterpart of the <see cref="EndUserSpan"/> splices).
/// </summary>
internal sealed class EndUserFields
{
    private readonly (bool Present, string? Original, string? Current)[] _fields = new (bool, string?, string?)[3];

    /// <summary>The scrub protects the values (some target passes them on); else they are only stripped or hashed.</summary>
    public bool ProtectValues { get; init; } = true;

    public bool Any => _fields[0].Present || _fields[1].Present || _fields[2].Present;

    public void Record(EndUserKey key, string? original, string? current) => _fields[(int)key] = (true, original, current);

    /// <summary>The fields of an unscrubbed request (values as sent).</summary>
    public static EndUserFields Read(JsonObject request)
    {
        var fields = new EndUserFields();
        foreach (var key in (ReadOnlySpan<EndUserKey>)[EndUserKey.User, EndUserKey.SafetyIdentifier, EndUserKey.MetadataUserId])
        {
            var (owner, name) = Locate(request, key);
            if (owner is not null && owner.TryGetPropertyValue(name, out var value))
            {
                var text = value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? Scrubbing.StringOf(v) : null;
                if (value is not (null or JsonValue) || (value is JsonValue && text is null))
                {
                    throw Scrubbing.Unscrubbable("'user', 'safety_identifier' and 'metadata.user_id' must be strings");
                }

                fields.Record(key, text, text);
            }
        }

        return fields;
    }

    /// <summary>Replaces what <see cref="Read"/> or the scrub took as originals by <paramref name="spans"/>' (the caller's values).</summary>
    public void TakeOriginals(List<EndUserSpan>? spans)
    {
        foreach (var span in spans ?? [])
        {
            if (_fields[(int)span.Key].Present)
            {
                _fields[(int)span.Key].Original = span.Original;
            }
        }
    }

    /// <summary>Sets (or removes) the fields on <paramref name="request"/> for one target.</summary>
    public void ApplyTo(JsonObject request, EndUserIdMode mode, EndUserIdHasher? hasher)
    {
        for (var i = 0; i < _fields.Length; i++)
        {
            var (present, original, current) = _fields[i];
            if (!present)
            {
                continue;
            }

            var (owner, name) = Locate(request, (EndUserKey)i);
            if (owner is null)
            {
                continue;
            }

            if (mode == EndUserIdMode.Strip)
            {
                owner.Remove(name);
                continue;
            }

            owner[name] = mode == EndUserIdMode.Hash
                ? original is null ? null : EndUserIdHasher.Require(hasher).Hash(original)
                : current;
        }
    }

    private static (JsonObject? Owner, string Name) Locate(JsonObject request, EndUserKey key) => key switch
    {
        EndUserKey.User => (request, "user"),
        EndUserKey.SafetyIdentifier => (request, "safety_identifier"),
        _ => (request["metadata"] as JsonObject, "user_id"),
    };
}
