using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Warden.Gateway.Authentication;

/// <summary>
/// Finds presented credentials: <c>Authorization: Bearer</c> (OpenAI SDK), <c>x-api-key</c>
/// (Anthropic SDK) and <c>api-key</c> (Azure OpenAI SDK), in that order. A header sent twice is ignored.
/// </summary>
internal static class CredentialExtractor
{
    private const string Bearer = "Bearer ";

    /// <summary>The candidate at <paramref name="index"/> (0..2), or null.</summary>
    public static string? Candidate(IHeaderDictionary headers, int index)
    {
        switch (index)
        {
            case 0:
                var auth = headers[HeaderNames.Authorization];
                if (auth.Count == 1)
                {
                    var v = auth[0];
                    if (v is not null && v.Length > Bearer.Length && v.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
                    {
                        return v[Bearer.Length..].Trim();
                    }
                }

                return null;
            case 1:
                return Single(headers["x-api-key"]);
            default:
                return Single(headers["api-key"]);
        }
    }

    private static string? Single(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Count == 1 && !string.IsNullOrWhiteSpace(values[0]) ? values[0]!.Trim() : null;
}
