using Warden.Core.Screening;

namespace Warden.Core.Tests.Screening;

/// <summary>Files of the repository the screening tests read (shipped model files, earlier combiners) and combiner bytes.</summary>
internal static class ScreeningTestFiles
{
    /// <summary>A path under the repository root (the directory holding Directory.Packages.props).</summary>
    public static string RepoFile(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return Path.Combine([dir!.FullName, .. parts]);
    }

    /// <summary>The combiner as <see cref="DocumentCombiner.Save"/> writes it.</summary>
    public static byte[] Bytes(DocumentCombiner c)
    {
        using var ms = new MemoryStream();
        c.Save(ms);
        return ms.ToArray();
    }
}
