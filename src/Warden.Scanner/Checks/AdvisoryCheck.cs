using Warden.Scanner.Findings;

namespace Warden.Scanner.Checks;

/// <summary>
/// Maps the release to the advisory table. An exactly known version yields confirmed findings; a
/// release known only from branding yields <c>likely</c> findings for the advisories that affect
/// every release before the branding's bound, with the reasoning in the detail.
/// </summary>
internal sealed class AdvisoryCheck : IOpenClawCheck
{
    public string Id => "OC-ADV";

    public Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var version = context.Version;
        var evidence = version.EvidenceId is null ? Array.Empty<string>() : [version.EvidenceId];
        if (version.Exact is { } exact)
        {
            foreach (var a in context.Advisories.Matching(exact))
            {
                context.Report(new Finding(
                    $"{Id}-{a.Id}",
                    a.Severity,
                    $"{a.Id}: {a.Title}",
                    context.Target,
                    $"Version {exact} (from {version.Source}) is before the fixed release {a.Fixed}." + Aliases(a.Aliases),
                    evidence,
                    a.Remediation,
                    a.References));
            }
        }
        else if (version.LikelyFrom is { } branding)
        {
            foreach (var a in context.Advisories.LikelyMatching(branding.LikelyBefore))
            {
                context.Report(new Finding(
                    $"{Id}-{a.Id}",
                    a.Severity,
                    $"{a.Id} (likely): {a.Title}",
                    context.Target,
                    $"The instance does not expose its version. It is likely older than {branding.LikelyBefore} because {version.Source} is shown: {branding.Why} Every release before {a.Fixed} is affected." + Aliases(a.Aliases),
                    evidence,
                    a.Remediation,
                    a.References,
                    Confidence: "likely"));
            }
        }

        return Task.CompletedTask;
    }

    private static string Aliases(IReadOnlyList<string> aliases) => aliases.Count == 0 ? string.Empty : $" Also known as {string.Join(", ", aliases)}.";
}
