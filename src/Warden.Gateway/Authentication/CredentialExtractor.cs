using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Warden.Gateway.Authentication;

/// <summary>
/// Finds the presented credential: <c>Authorization: Bearer</c> (OpenAI SDK), <c>x-api-key</c>
/// (Anthropic SDK) or <c>api-key</c> (Azure OpenAI SDK), in that order.
/// </summary>
internal static class CredentialExtractor
{
    private const string Bearer = "Bearer ";

    public static string? Extract(IHeaderDictionary headers)
    {
        var auth = headers[HeaderNames.Authorization];
        if (auth.Count == 1)
        {
            var v = auth[0];
            if (v is not null && v.Length > Bearer.Length && v.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
            {
                return v[Bearer.Length..].Trim();
            }

            return null;
        }

        var key = headers["x-api-key"];
        if (key.Count == 1 && !string.IsNullOrEmpty(key[0]))
        {
            return key[0]!.Trim();
        }

        key = headers["api-key"];
        return key.Count == 1 && !string.IsNullOrEmpty(key[0]) ? key[0]!.Trim() : null;
    }
}
