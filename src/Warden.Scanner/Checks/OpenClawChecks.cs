namespace Warden.Scanner.Checks;

/// <summary>The checks run against every fingerprinted gateway, in order.</summary>
internal static class OpenClawChecks
{
    public static IReadOnlyList<IOpenClawCheck> All { get; } =
    [
        new AdvisoryCheck(),
        new UnauthenticatedConnectCheck(),
        new ForeignOriginCheck(),
        new UnauthenticatedHttpCheck(),
        new CleartextTransportCheck(),
        new AntiFramingCheck(),
    ];
}
