using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Warden.Scanner.Targets;

/// <summary>
/// Turns what the user typed into <see cref="ScanTarget"/>s: a URL (scanned as given), <c>host:port</c>,
/// a bare host (OpenClaw's 18789 first, then 443, 80, 8080, with each base path), or a CIDR range no
/// larger than <see cref="ScanOptions.MaxHosts"/>. Nothing outside what was named is ever added.
/// </summary>
internal static class TargetParser
{
    /// <summary>Parses every input; throws <see cref="FormatException"/> with a one-line reason on bad input.</summary>
    public static IReadOnlyList<ScanTarget> ParseAll(IEnumerable<string> inputs, ScanOptions options)
    {
        var targets = new List<ScanTarget>();
        foreach (var input in inputs)
        {
            targets.AddRange(Parse(input, options));
            if (targets.Count > options.MaxTargets)
            {
                throw new FormatException($"more than {options.MaxTargets} targets; narrow the ranges");
            }
        }

        if (targets.Count == 0)
        {
            throw new FormatException("no targets given");
        }

        return targets;
    }

    /// <summary>Parses one input.</summary>
    public static IReadOnlyList<ScanTarget> Parse(string input, ScanOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        var text = input.Trim();
        if (text.Length == 0 || text.Length > 512)
        {
            throw new FormatException("empty or over-long target");
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            var url = ParseUrl(text);
            return [new ScanTarget(text, [new ScanEndpoint(url, url)])];
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            return ExpandCidr(text, slash, options);
        }

        var (host, port) = SplitHostPort(text);
        var ports = port is null ? options.Ports : [port.Value];
        return [new ScanTarget(text, Candidates(host, ports, options.BasePaths))];
    }

    private static Uri ParseUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            throw new FormatException($"'{text}' is not a valid URL");
        }

        var scheme = uri.Scheme switch
        {
            "http" or "ws" => "http",
            "https" or "wss" => "https",
            _ => throw new FormatException($"'{text}': only http, https, ws and wss URLs can be scanned"),
        };

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new FormatException($"'{text}': credentials in the URL are refused; the scanner never sends credentials");
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new FormatException($"'{text}': give the gateway's base URL without a query or fragment");
        }

        var path = uri.AbsolutePath.EndsWith('/') ? uri.AbsolutePath : uri.AbsolutePath + "/";
        return new UriBuilder(scheme, uri.Host, uri.Port, path).Uri;
    }

    private static (string Host, int? Port) SplitHostPort(string text)
    {
        string host;
        int? port = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException($"'{text}': unterminated IPv6 literal");
            }

            host = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length > 0)
            {
                port = rest.StartsWith(':') ? ParsePort(rest[1..], text) : throw new FormatException($"'{text}' is not host:port");
            }

            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw new FormatException($"'{text}': not an IPv6 address");
            }

            return (host, port);
        }

        var colon = text.LastIndexOf(':');
        if (colon >= 0 && text.IndexOf(':', StringComparison.Ordinal) == colon)
        {
            host = text[..colon];
            port = ParsePort(text[(colon + 1)..], text);
        }
        else if (colon >= 0)
        {
            // A bare IPv6 address without brackets: no port.
            host = IPAddress.TryParse(text, out _) ? text : throw new FormatException($"'{text}' is not a host, host:port, URL or CIDR");
        }
        else
        {
            host = text;
        }

        if (!IsValidHost(host))
        {
            throw new FormatException($"'{text}': '{host}' is not a valid host name or address");
        }

        return (host, port);
    }

    private static int ParsePort(string text, string input) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 65535
            ? p
            : throw new FormatException($"'{input}': port must be 1-65535");

    private static bool IsValidHost(string host)
    {
        if (IPAddress.TryParse(host, out _))
        {
            return true;
        }

        return host.Length is > 0 and <= 253
            && Uri.CheckHostName(host) == UriHostNameType.Dns
            && host.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');
    }

    private static List<ScanEndpoint> Candidates(string host, IReadOnlyList<int> ports, IReadOnlyList<string> basePaths)
    {
        var list = new List<ScanEndpoint>();
        foreach (var port in ports)
        {
            var scheme = port == 443 ? "https" : "http";
            foreach (var basePath in basePaths)
            {
                var root = new UriBuilder(scheme, host, port, "/").Uri;
                list.Add(new ScanEndpoint(new UriBuilder(scheme, host, port, basePath).Uri, root));
            }
        }

        return list;
    }

    private static List<ScanTarget> ExpandCidr(string text, int slash, ScanOptions options)
    {
        var addressText = text[..slash];
        var rest = text[(slash + 1)..];
        int? port = null;
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            port = ParsePort(rest[(colon + 1)..], text);
            rest = rest[..colon];
        }

        if (!IPAddress.TryParse(addressText, out var network)
            || !int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            throw new FormatException($"'{text}' is not a CIDR range (e.g. 10.0.0.0/24)");
        }

        var bits = network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefix < 0 || prefix > bits)
        {
            throw new FormatException($"'{text}': prefix must be 0-{bits}");
        }

        var hostBits = bits - prefix;
        if (hostBits > 30 || (1L << hostBits) > options.MaxHosts)
        {
            throw new FormatException($"'{text}' covers more than {options.MaxHosts} addresses (the --max-hosts limit)");
        }

        var bytes = network.GetAddressBytes();
        var value = new System.Numerics.BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        var mask = ((System.Numerics.BigInteger.One << bits) - 1) ^ ((System.Numerics.BigInteger.One << hostBits) - 1);
        var start = value & mask;
        var count = 1L << hostBits;

        // Skip the IPv4 network and broadcast addresses of ranges with room for hosts.
        var skipEdges = network.AddressFamily == AddressFamily.InterNetwork && hostBits >= 2;
        var ports = port is null ? options.Ports : [port.Value];
        var targets = new List<ScanTarget>((int)count);
        for (long i = 0; i < count; i++)
        {
            if (skipEdges && (i == 0 || i == count - 1))
            {
                continue;
            }

            var address = ToAddress(start + i, bits / 8);
            var host = address.ToString();
            targets.Add(new ScanTarget(host, Candidates(host, ports, options.BasePaths)));
        }

        return targets;
    }

    private static IPAddress ToAddress(System.Numerics.BigInteger value, int length)
    {
        var raw = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        var bytes = new byte[length];
        Array.Copy(raw, 0, bytes, length - raw.Length, raw.Length);
        return new IPAddress(bytes);
    }
}
