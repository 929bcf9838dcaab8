using System.Text.Json.Serialization;

namespace Warden.Core.Audit;

/// <summary>
/// The canonical JSON shape of a record. Property order is fixed by <see cref="JsonPropertyOrderAttribute"/>,
/// null members are omitted and maps are serialized with ordinal-sorted keys, so one event has one encoding.
/// </summary>
internal sealed class CanonicalAuditRecord
{
    [JsonPropertyName("v"), JsonPropertyOrder(0)]
    public int Version { get; set; } = 1;

    [JsonPropertyName("seq"), JsonPropertyOrder(1)]
    public long Sequence { get; set; }

    [JsonPropertyName("ts"), JsonPropertyOrder(2)]
    public string Timestamp { get; set; } = "";

    [JsonPropertyName("prev"), JsonPropertyOrder(3)]
    public string PreviousHash { get; set; } = "";

    [JsonPropertyName("type"), JsonPropertyOrder(4)]
    public string Type { get; set; } = "";

    [JsonPropertyName("principal"), JsonPropertyOrder(5)]
    public string? PrincipalId { get; set; }

    [JsonPropertyName("agent"), JsonPropertyOrder(6)]
    public string? AgentId { get; set; }

    [JsonPropertyName("user"), JsonPropertyOrder(7)]
    public string? OnBehalfOf { get; set; }

    [JsonPropertyName("task"), JsonPropertyOrder(8)]
    public string? TaskId { get; set; }

    [JsonPropertyName("action"), JsonPropertyOrder(9)]
    public string? Action { get; set; }

    [JsonPropertyName("provider"), JsonPropertyOrder(10)]
    public string? Provider { get; set; }

    [JsonPropertyName("model"), JsonPropertyOrder(11)]
    public string? Model { get; set; }

    [JsonPropertyName("decision"), JsonPropertyOrder(12)]
    public string? Decision { get; set; }

    [JsonPropertyName("rule"), JsonPropertyOrder(13)]
    public string? RuleId { get; set; }

    [JsonPropertyName("status"), JsonPropertyOrder(14)]
    public int? Status { get; set; }

    [JsonPropertyName("latencyMs"), JsonPropertyOrder(15)]
    public double? LatencyMs { get; set; }

    [JsonPropertyName("promptTokens"), JsonPropertyOrder(16)]
    public int? PromptTokens { get; set; }

    [JsonPropertyName("completionTokens"), JsonPropertyOrder(17)]
    public int? CompletionTokens { get; set; }

    [JsonPropertyName("findings"), JsonPropertyOrder(18)]
    public SortedDictionary<string, int>? FindingCounts { get; set; }

    [JsonPropertyName("contentHmac"), JsonPropertyOrder(19)]
    public string? ContentHmac { get; set; }

    [JsonPropertyName("attrs"), JsonPropertyOrder(20)]
    public SortedDictionary<string, string>? Attributes { get; set; }
}
