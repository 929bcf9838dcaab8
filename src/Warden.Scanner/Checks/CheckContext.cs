using Warden.Scanner.Advisories;
using Warden.Scanner.Findings;
using Warden.Scanner.Probing;

namespace Warden.Scanner.Checks;

/// <summary>Everything a check needs about one gateway, and where it reports.</summary>
internal sealed class CheckContext
{
    private readonly List<Finding> _findings = [];

    public CheckContext(ProbeSession session, Fingerprint fingerprint, AdvisoryTable advisories, VersionInfo version, bool loopback)
    {
        Session = session;
        Fingerprint = fingerprint;
        Advisories = advisories;
        Version = version;
        IsLoopback = loopback;
    }

    public ProbeSession Session { get; }

    public Fingerprint Fingerprint { get; }

    public AdvisoryTable Advisories { get; }

    public VersionInfo Version { get; }

    /// <summary>True when every address of the target is a loopback address.</summary>
    public bool IsLoopback { get; }

    /// <summary>The endpoint findings are reported against.</summary>
    public string Target => Fingerprint.GatewayRoot.ToString();

    public IReadOnlyList<Finding> Findings => _findings;

    public void Report(Finding finding) => _findings.Add(finding);
}
