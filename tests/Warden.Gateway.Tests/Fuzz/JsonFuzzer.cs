using System.Text;
using System.Text.Json.Nodes;

namespace Warden.Gateway.Tests.Fuzz;

/// <summary>What one generated case does to its valid template.</summary>
public enum Mutation
{
    InvalidUtf8,
    LoneSurrogate,
    Truncated,
    DeepNesting,
    HugeNumber,
    DuplicateKey,
    WrongType,
    RawControlChar,
    EscapedNul,
    LongStringUnderCap,
    LongStringOverCap,
    Empty,
    NotAnObject,
    TrailingGarbage,
    WrongContentType,
}

/// <summary>One generated request body (reproducible from the seed and index in <see cref="Label"/>).</summary>
public sealed record FuzzCase(string Label, Mutation Mutation, byte[] Body, string? ContentType, bool InName)
{
    /// <summary>The body as text for an assertion message (invalid bytes shown as U+FFFD, long values cut).</summary>
    public string Preview
    {
        get
        {
            var text = Encoding.UTF8.GetString(Body);
            return text.Length <= 400 ? text : text[..200] + $"…({text.Length} chars)…" + text[^150..];
        }
    }
}

/// <summary>
/// Deterministic malformed-input generator: takes a valid JSON request and breaks it in one way per case, driven by a
/// seeded <see cref="Random"/> (same seed, same cases, on every machine and run).
/// </summary>
public sealed class JsonFuzzer(int seed, long bodyCap)
{
    private const string Marker = "\u2603FUZZ\u2603";
    private static readonly Mutation[] All = Enum.GetValues<Mutation>();

    private static readonly byte[][] BadUtf8 =
    [
        [0xFF], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
    ];

    private static readonly string[] Surrogates = [@"\ud800", @"\udfff", @"\ud83dx", @"\udc00\ud800", @"a\uDBFF", @"\uD800\u0041"];
    private static readonly string[] Huge =
    [
        "1e999", "-1e999", "123456789012345678901234567890123456789", "1.7976931348623157e309", "-0.0000000000000000000000000000001e-400",
        "9223372036854775808", "-9223372036854775809", "18446744073709551616", "4294967296", "1" + new string('0', 400),
    ];

    private static readonly string[] WrongContentTypes = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", ""];

    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Random _rng = new(seed);
    private bool _inName;

    public int Seed { get; } = seed;

    /// <summary>The next case from <paramref name="template"/>; <paramref name="index"/> only labels it.</summary>
    public FuzzCase Next(JsonObject template, int index, IReadOnlyList<Mutation>? only = null)
    {
        var pool = only ?? All;
        var mutation = pool[_rng.Next(pool.Count)];
        _inName = false;
        var label = $"seed {Seed} case {index} {mutation}";
        var valid = template.ToJsonString(Relaxed);
        byte[] body = mutation switch
        {
            Mutation.InvalidUtf8 => WithMarker(template, raw => Splice(raw, BadUtf8[_rng.Next(BadUtf8.Length)])),
            Mutation.LoneSurrogate => WithMarker(template, raw => Splice(raw, Encoding.ASCII.GetBytes(Surrogates[_rng.Next(Surrogates.Length)]))),
            Mutation.Truncated => Encoding.UTF8.GetBytes(valid[.._rng.Next(1, valid.Length)]),
            Mutation.DeepNesting => Deep(template),
            Mutation.HugeNumber => Replace(template, Huge[_rng.Next(Huge.Length)]),
            Mutation.DuplicateKey => Duplicate(template),
            Mutation.WrongType => Replace(template, WrongValue()),
            Mutation.RawControlChar => WithMarker(template, raw => Splice(raw, [(byte)_rng.Next(0, 0x20)])),
            Mutation.EscapedNul => WithMarker(template, raw => Splice(raw, "a\\u0000b"u8.ToArray())),
            Mutation.LongStringUnderCap => Long(template, bodyCap - 64 - _rng.Next(512)),
            Mutation.LongStringOverCap => Long(template, bodyCap + 1 + _rng.Next(4096)),
            Mutation.Empty => [],
            Mutation.NotAnObject => Encoding.UTF8.GetBytes(new[] { "[]", "null", "5", "\"text\"", "true", "[" + valid + "]" }[_rng.Next(6)]),
            Mutation.TrailingGarbage => Encoding.UTF8.GetBytes(valid + new[] { "x", "{}", valid, ",", "]", "\u0000" }[_rng.Next(6)]),
            Mutation.WrongContentType => Encoding.UTF8.GetBytes(valid),
            _ => throw new InvalidOperationException(),
        };
        var contentType = mutation == Mutation.WrongContentType ? WrongContentTypes[_rng.Next(WrongContentTypes.Length)] : "application/json";
        return new FuzzCase(_inName ? label + " (in a name)" : label, mutation, body, contentType.Length == 0 ? null : contentType, _inName);
    }

    /// <summary>Every path to a value in <paramref name="node"/> (object members and array items, depth first).</summary>
    public static List<(JsonNode Parent, object Key)> Paths(JsonNode node)
    {
        var paths = new List<(JsonNode, object)>();
        void Walk(JsonNode n)
        {
            if (n is JsonObject o)
            {
                foreach (var (k, v) in o.ToList())
                {
                    paths.Add((o, k));
                    if (v is not null)
                    {
                        Walk(v);
                    }
                }
            }
            else if (n is JsonArray a)
            {
                for (var i = 0; i < a.Count; i++)
                {
                    paths.Add((a, i));
                    if (a[i] is { } item)
                    {
                        Walk(item);
                    }
                }
            }
        }

        Walk(node);
        return paths;
    }

    private static void Set(JsonNode parent, object key, JsonNode? value)
    {
        if (parent is JsonObject o)
        {
            o[(string)key] = value;
        }
        else
        {
            ((JsonArray)parent)[(int)key] = value;
        }
    }

    private static JsonNode? Get(JsonNode parent, object key) => parent is JsonObject o ? o[(string)key] : ((JsonArray)parent)[(int)key];

    /// <summary>The template with one randomly chosen value (or, for object members, sometimes the name) holding the marker.</summary>
    private byte[] WithMarker(JsonObject template, Func<byte[], byte[]> splice)
    {
        var copy = template.DeepClone().AsObject();
        var paths = Paths(copy);
        var (parent, key) = paths[_rng.Next(paths.Count)];
        if (parent is JsonObject o && _rng.Next(4) == 0)
        {
            // Break a property name instead of a value.
            _inName = true;
            var value = o[(string)key]?.DeepClone();
            var members = o.ToList().Select(m => (m.Key, Value: m.Value?.DeepClone())).ToList();
            o.Clear();
            foreach (var (k, v) in members)
            {
                o[k == (string)key ? k + Marker : k] = k == (string)key ? value : v;
            }
        }
        else
        {
            var current = Get(parent, key);
            Set(parent, key, current is JsonValue v && v.TryGetValue<string>(out var s) ? s + Marker : Marker);
        }

        return splice(Encoding.UTF8.GetBytes(copy.ToJsonString(Relaxed)));
    }

    private static byte[] Splice(byte[] raw, byte[] insert)
    {
        var marker = Encoding.UTF8.GetBytes(Marker);
        var at = raw.AsSpan().IndexOf(marker);
        return [.. raw.AsSpan(0, at), .. insert, .. raw.AsSpan(at + marker.Length)];
    }

    private byte[] Deep(JsonObject template)
    {
        var depth = 129 + _rng.Next(2000);
        var open = _rng.Next(2) == 0 ? "[" : "{\"a\":";
        var close = open == "[" ? "]" : "}";
        var nested = string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth));
        return Replace(template, nested);
    }

    /// <summary>The template with one randomly chosen value replaced by raw JSON text.</summary>
    private byte[] Replace(JsonObject template, string rawJson)
    {
        var copy = template.DeepClone().AsObject();
        var paths = Paths(copy);
        var (parent, key) = paths[_rng.Next(paths.Count)];
        Set(parent, key, Marker);
        var text = copy.ToJsonString(Relaxed);
        return Encoding.UTF8.GetBytes(text.Replace("\"" + Marker + "\"", rawJson, StringComparison.Ordinal));
    }

    private byte[] Duplicate(JsonObject template)
    {
        var copy = template.DeepClone().AsObject();
        var objects = Paths(copy).Select(p => Get(p.Parent, p.Key)).OfType<JsonObject>().Where(o => o.Count > 0).Prepend(copy).ToList();
        var target = objects[_rng.Next(objects.Count)];
        var (name, value) = target.ElementAt(_rng.Next(target.Count));
        target[name + Marker] = value?.DeepClone();
        var text = copy.ToJsonString(Relaxed);
        return Encoding.UTF8.GetBytes(text.Replace(Marker, "", StringComparison.Ordinal));
    }

    private string WrongValue() => _rng.Next(9) switch
    {
        0 => "5",
        1 => "-1.5",
        2 => "\"text\"",
        3 => "true",
        4 => "null",
        5 => "{}",
        6 => "[]",
        7 => "[1,\"x\",null]",
        _ => "{\"nested\":{\"x\":[false]}}",
    };

    /// <summary>The template with one string value grown so the whole body is <paramref name="size"/> bytes.</summary>
    private byte[] Long(JsonObject template, long size)
    {
        var copy = template.DeepClone().AsObject();
        var strings = Paths(copy).Where(p => Get(p.Parent, p.Key) is JsonValue v && v.TryGetValue<string>(out _)).ToList();
        var (parent, key) = strings[_rng.Next(strings.Count)];
        Set(parent, key, Marker);
        var text = copy.ToJsonString(Relaxed);
        var fill = Math.Max(0, size - Encoding.UTF8.GetByteCount(text) + Encoding.UTF8.GetByteCount(Marker));
        var filler = _rng.Next(3) switch
        {
            0 => new string('a', (int)fill),
            1 => string.Concat(Enumerable.Repeat("jane.doe@example.com ", (int)(fill / 21) + 1))[..(int)fill],
            _ => new string(' ', (int)fill),
        };
        return Encoding.UTF8.GetBytes(text.Replace(Marker, filler, StringComparison.Ordinal));
    }
}
