using Microsoft.AspNetCore.DataProtection;
using Warden.Gateway.Hosting;

namespace Warden.Gateway.Providers;

/// <summary>The one Data Protection setup (application name + key ring in the data directory), shared by the host and the CLI.</summary>
public static class WardenDataProtection
{
    /// <summary>Creates the provider for <paramref name="dataDirectory"/>.</summary>
    public static IDataProtectionProvider Create(string dataDirectory) =>
        DataProtectionProvider.Create(new DirectoryInfo(WardenPaths.KeyRing(dataDirectory)), b => b.SetApplicationName("warden"));
}
