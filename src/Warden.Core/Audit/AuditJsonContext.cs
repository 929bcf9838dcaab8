using System.Text.Json.Serialization;

namespace Warden.Core.Audit;

/// <summary>Source-generated (reflection-free) JSON for the canonical record and checkpoint forms.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CanonicalAuditRecord))]
[JsonSerializable(typeof(AuditCheckpoint))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
