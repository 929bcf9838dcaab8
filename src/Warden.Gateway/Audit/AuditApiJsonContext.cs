using System.Text.Json.Serialization;
using Warden.Core.Audit;

namespace Warden.Gateway.Audit;

/// <summary>One page of <c>GET /api/audit</c>: records in sequence order and the cursor for the next page.</summary>
internal sealed record AuditApiPage(IReadOnlyList<AuditRecord> Records, long? Next);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuditApiPage))]
internal sealed partial class AuditApiJsonContext : JsonSerializerContext;
