using System.Text.Json.Serialization;

namespace Warden.Core.Audit;

/// <summary>The signed statement "the chain head at <see cref="Sequence"/> is <see cref="Head"/>".</summary>
public sealed class AuditCheckpoint
{
    /// <summary>Format version.</summary>
    [JsonPropertyName("v"), JsonPropertyOrder(0)]
    public int Version { get; set; } = 1;

    /// <summary>The algorithm: always <c>ES256</c> (ECDSA P-256, SHA-256).</summary>
    [JsonPropertyName("alg"), JsonPropertyOrder(1)]
    public string Algorithm { get; set; } = "ES256";

    /// <summary>Id of the signing key (first 16 hex chars of SHA-256 over its SubjectPublicKeyInfo).</summary>
    [JsonPropertyName("kid"), JsonPropertyOrder(2)]
    public string KeyId { get; set; } = "";

    /// <summary>Sequence number of the record the checkpoint covers (the chain head).</summary>
    [JsonPropertyName("seq"), JsonPropertyOrder(3)]
    public long Sequence { get; set; }

    /// <summary>Hex SHA-256 of the head record.</summary>
    [JsonPropertyName("head"), JsonPropertyOrder(4)]
    public string Head { get; set; } = "";

    /// <summary>Sequence of the previous checkpoint (0 for the first one): deleting a checkpoint breaks this link.</summary>
    [JsonPropertyName("prevSeq"), JsonPropertyOrder(5)]
    public long PreviousCheckpointSequence { get; set; }

    /// <summary>When it was signed (UTC, ISO 8601).</summary>
    [JsonPropertyName("ts"), JsonPropertyOrder(6)]
    public string Timestamp { get; set; } = "";
}
