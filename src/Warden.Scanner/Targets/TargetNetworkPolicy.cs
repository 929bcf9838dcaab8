using System.Net;

namespace Warden.Scanner.Targets;

/// <summary>
/// Which addresses a scan may connect to: inside <see cref="Allowed"/> (empty = any) and outside
/// <see cref="Denied"/>. Checked before a scan starts and again at every connect, on the address actually
/// dialled, so a host name that re-resolves (DNS rebinding) cannot reach a denied address.
/// </summary>
internal sealed record TargetNetworkPolicy
{
    /// <summary>No restriction (the CLI, run by an operator on their own machine).</summary>
    public static TargetNetworkPolicy Unrestricted { get; } = new();

    /// <summary>
    /// Never reachable through the API unless explicitly allowed: link-local (cloud instance metadata lives
    /// at 169.254.169.254 and fd00:ec2::254), the Alibaba metadata address, and "this network".
    /// </summary>
    public static IReadOnlyList<IPNetwork> MetadataAndLinkLocal { get; } =
    [
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("fd00:ec2::254/128"),
        IPNetwork.Parse("100.100.100.200/32"),
        IPNetwork.Parse("0.0.0.0/8"),
    ];

    /// <summary>Networks a target must be in (empty = any).</summary>
    public IReadOnlyList<IPNetwork> Allowed { get; init; } = [];

    /// <summary>Networks no target may be in; wins over <see cref="Allowed"/>.</summary>
    public IReadOnlyList<IPNetwork> Denied { get; init; } = [];

    public bool IsUnrestricted => Allowed.Count == 0 && Denied.Count == 0;

    public bool Allows(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var n in Denied)
        {
            if (n.Contains(address))
            {
                return false;
            }
        }

        if (Allowed.Count == 0)
        {
            return true;
        }

        foreach (var n in Allowed)
        {
            if (n.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The addresses of <paramref name="host"/> this policy allows (a literal address is not resolved).</summary>
    public async Task<IPAddress[]> AllowedAddressesAsync(string host, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        return [.. addresses.Where(Allows)];
    }
}
