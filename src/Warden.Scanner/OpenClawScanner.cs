using System.Net;
using System.Net.Sockets;
using Warden.Scanner.Advisories;
using Warden.Scanner.Checks;
using Warden.Scanner.Findings;
using Warden.Scanner.Probing;
using Warden.Scanner.Targets;

namespace Warden.Scanner;

/// <summary>
/// The OpenClaw exposure scanner. Finds OpenClaw (Clawdbot, Moltbot) gateways among the targets the
/// caller names and checks them without exploiting anything: no credential is ever sent, no
/// method beyond one credential-less <c>connect</c> handshake is ever called, and every probe is
/// recorded as evidence. Limits (concurrency, per-probe timeout, deadline, probe rate) come from
/// <see cref="ScanOptions"/>.
/// </summary>
internal sealed class OpenClawScanner : IDisposable
{
    private readonly ScanOptions _options;
    private readonly TimeProvider _time;
    private readonly AdvisoryTable _advisories;
    private readonly IReadOnlyList<IOpenClawCheck> _checks;
    private readonly HttpMessageInvoker _invoker;

    public OpenClawScanner(ScanOptions options, TimeProvider time, AdvisoryTable? advisories = null, IReadOnlyList<IOpenClawCheck>? checks = null)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        }

        _options = options;
        _time = time;
        _advisories = advisories ?? AdvisoryTable.Default;
        _checks = checks ?? OpenClawChecks.All;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.ProbeTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            MaxConnectionsPerServer = 4,
            MaxResponseHeadersLength = 64,
        };
        if (!options.Networks.IsUnrestricted)
        {
            handler.ConnectCallback = (context, ct) => ConnectAllowedAsync(options.Networks, context.DnsEndPoint, ct);
        }

        _invoker = new HttpMessageInvoker(handler);
    }

    /// <summary>Dials only addresses the policy allows: the check is on the address connected to, not on the name.</summary>
    private static async ValueTask<Stream> ConnectAllowedAsync(Targets.TargetNetworkPolicy policy, DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        var allowed = await policy.AllowedAddressesAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"{endpoint.Host} is outside the scanner's allowed networks");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Scans the targets and returns the report; cancellation ends the scan early with what was found.</summary>
    public async Task<ScanReport> ScanAsync(IReadOnlyList<ScanTarget> targets, IProgress<ScanProgress>? progress, CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        using var deadline = new CancellationTokenSource(_options.Deadline, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var limiter = new ProbeRateLimiter(_options.ProbesPerSecond, _time);
        using var gate = new SemaphoreSlim(_options.Concurrency);
        var results = new HostResult[targets.Count];
        var completed = 0;

        var tasks = targets.Select(async (target, index) =>
        {
            var session = new ProbeSession(_invoker, limiter, _options, _time);
            try
            {
                await gate.WaitAsync(linked.Token);
                try
                {
                    results[index] = await ScanTargetAsync(target, session, linked.Token);
                }
                finally
                {
                    gate.Release();
                }
            }
#pragma warning disable CA1031 // One target's unexpected failure is reported on that target; the scan goes on.
            catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
            {
                results[index] = new HostResult
                {
                    Input = target.Input,
                    Endpoint = target.Candidates[0].ToString(),
                    Evidence = session.Evidence,
                    Errors = [$"probe failed: {ex.GetType().Name}"],
                };
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                results[index] = new HostResult
                {
                    Input = target.Input,
                    Endpoint = target.Candidates[0].ToString(),
                    Evidence = session.Evidence,
                    Errors = [cancellationToken.IsCancellationRequested ? "scan cancelled" : "overall deadline reached before this target finished"],
                };
            }

            var done = Interlocked.Increment(ref completed);
            progress?.Report(new ScanProgress(done, targets.Count, target.Input, results[index].Detected, results[index].Highest));
        }).ToList();

        await Task.WhenAll(tasks);
        return new ScanReport
        {
            ScannerVersion = ScannerInfo.Version,
            StartedAt = started,
            FinishedAt = _time.GetUtcNow(),
            Hosts = results,
            DeadlineReached = deadline.IsCancellationRequested,
        };
    }

    private async Task<HostResult> ScanTargetAsync(ScanTarget target, ProbeSession session, CancellationToken cancellationToken)
    {
        Fingerprint? fingerprint = null;
        var unreachable = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();
        foreach (var candidate in target.Candidates)
        {
            var authority = candidate.GatewayRoot.GetLeftPart(UriPartial.Authority);
            if (unreachable.Contains(authority))
            {
                continue;
            }

            fingerprint = await Fingerprinter.RunAsync(session, candidate, cancellationToken);
            if (fingerprint.Detected)
            {
                break;
            }

            if (!fingerprint.Page.Answered)
            {
                unreachable.Add(authority);
                errors.Add($"{authority}: {fingerprint.Page.Error}");
            }
        }

        if (fingerprint is null || !fingerprint.Detected)
        {
            return new HostResult
            {
                Input = target.Input,
                Endpoint = (fingerprint?.BaseUri ?? target.Candidates[^1].PageUri).ToString(),
                Evidence = session.Evidence,
                Errors = errors,
            };
        }

        var version = VersionInfo.Resolve(fingerprint, _advisories);
        bool loopback;
        using (var dnsTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            dnsTimeout.CancelAfter(_options.ProbeTimeout);
            try
            {
                loopback = await IsLoopbackAsync(fingerprint.GatewayRoot.IdnHost, dnsTimeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                loopback = false; // unresolved in time: treat as reachable over the network
            }
        }
        var context = new CheckContext(session, fingerprint, _advisories, version, loopback);
        context.Report(new Finding(
            "OC-FP-DETECTED",
            Severity.Info,
            $"{fingerprint.Brand ?? "OpenClaw"} gateway detected",
            context.Target,
            "Markers: " + string.Join(", ", Markers(fingerprint)),
            fingerprint.EvidenceIds,
            "Make sure this gateway is meant to be reachable from where this scan ran.",
            [References.ControlUi, References.Protocol]));

        foreach (var check in _checks)
        {
            await check.RunAsync(context, cancellationToken);
        }

        return new HostResult
        {
            Input = target.Input,
            Endpoint = fingerprint.GatewayRoot.ToString(),
            Detected = true,
            Brand = fingerprint.Brand,
            Version = version.Display,
            VersionSource = version.Source,
            Findings = [.. context.Findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Id, StringComparer.Ordinal)],
            Evidence = session.Evidence,
            Errors = errors,
        };
    }

    private static IEnumerable<string> Markers(Fingerprint fp)
    {
        foreach (var m in fp.UiMarkers)
        {
            yield return m;
        }

        if (fp.Handshake is { ChallengeSeen: true })
        {
            yield return "WebSocket first frame connect.challenge";
        }
        else if (fp.Handshake is { OpenClawFrames: true })
        {
            yield return "WebSocket gateway frame shape {type: res}";
        }
    }

    /// <summary>True when the host is, or resolves only to, loopback addresses.</summary>
    internal static async Task<bool> IsLoopbackAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var ip))
        {
            return IPAddress.IsLoopback(ip);
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
            return addresses.Length > 0 && addresses.All(IPAddress.IsLoopback);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose() => _invoker.Dispose();
}
