namespace Warden.Core.Audit;

/// <summary>
/// A signed checkpoint as stored: <see cref="Body"/> is the canonical JSON of an
/// <see cref="AuditCheckpoint"/>, <see cref="Signature"/> an ECDSA P-256 / SHA-256 signature
/// (IEEE P1363, 64 bytes) over exactly those bytes.
/// </summary>
public sealed record AuditCheckpointRow(long Sequence, DateTimeOffset Timestamp, byte[] Body, byte[] Signature);
