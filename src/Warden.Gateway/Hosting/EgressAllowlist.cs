namespace Warden.Gateway.Hosting;

/// <summary>
/// The egress allowlist: the configured entries plus the hosts of the built-in provider types.
/// An entry is an exact host or <c>*.suffix</c>.
/// </summary>
internal static class EgressAllowlist
{
    internal static readonly string[] BuiltIn = ["api.openai.com", "api.anthropic.com", "api.groq.com", "*.openai.azure.com"];

    public static bool IsAllowed(IReadOnlyList<string> configured, string host)
    {
        foreach (var e in BuiltIn)
        {
            if (Matches(e, host))
            {
                return true;
            }
        }

        foreach (var e in configured)
        {
            if (Matches(e, host))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Matches(string entry, string host)
    {
        if (entry.StartsWith("*.", StringComparison.Ordinal))
        {
            return host.Length > entry.Length - 1
                && host.EndsWith(entry.AsSpan(1), StringComparison.OrdinalIgnoreCase);
        }

        return string.Equals(entry, host, StringComparison.OrdinalIgnoreCase);
    }
}
