namespace Warden.Core.Audit;

/// <summary>
/// One record as a store keeps it: the sequence column, the stored SHA-256 and the exact canonical
/// JSON bytes the hash was computed over. The verifier works on rows, never on parsed objects.
/// </summary>
public sealed record AuditRow(long Sequence, byte[] Hash, byte[] Body);
