namespace Warden.Scanner.Checks;

/// <summary>
/// One check run against a fingerprinted gateway. Checks are small and independent; add one by
/// implementing this and listing it in <see cref="OpenClawChecks.All"/>. A check may probe through
/// <see cref="CheckContext.Session"/> (which never sends credentials) and reports through
/// <see cref="CheckContext.Report"/>.
/// </summary>
internal interface IOpenClawCheck
{
    /// <summary>Stable id prefix of the findings this check reports.</summary>
    string Id { get; }

    Task RunAsync(CheckContext context, CancellationToken cancellationToken);
}
