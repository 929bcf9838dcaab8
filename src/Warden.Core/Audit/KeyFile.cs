using System.Security.Cryptography;
using System.Text;

namespace Warden.Core.Audit;

/// <summary>
/// A secret key file in the data directory: created once with mode 0600, refused when other users can read it, and —
/// when an <see cref="IKeyWrapper"/> is given — stored wrapped (a plaintext file from before is wrapped in place, by
/// an atomic rename, on its next load). A wrapped file without the wrapper, or with another one, is an error naming
/// the key id it needs; it is never silently replaced.
/// </summary>
internal static class KeyFile
{
    private const string Magic = "warden-wrapped-key v1";

    public static byte[] LoadOrCreate(string path, string purpose, IKeyWrapper? wrapper, Func<byte[]> create, string what)
    {
        if (!File.Exists(path))
        {
            var fresh = create();
            try
            {
                WriteOwnerOnly(path, wrapper is null ? fresh : Encode(wrapper, fresh, purpose), FileMode.CreateNew);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
            }
            finally
            {
                CryptographicOperations.ZeroMemory(fresh);
            }
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            throw new InvalidOperationException($"{what} {path} is readable by other users; run chmod 600 on it");
        }

        var content = File.ReadAllBytes(path);
        if (content.AsSpan().StartsWith(Encoding.ASCII.GetBytes(Magic)))
        {
            return Decode(content, purpose, wrapper, path, what);
        }

        if (wrapper is not null)
        {
            var temp = path + ".wrapping";
            File.Delete(temp);
            WriteOwnerOnly(temp, Encode(wrapper, content, purpose), FileMode.CreateNew);
            File.Move(temp, path, overwrite: true);
        }

        return content;
    }

    /// <summary>Whether the file at <paramref name="path"/> is stored wrapped.</summary>
    public static bool IsWrapped(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[Magic.Length];
        return stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.SequenceEqual(Encoding.ASCII.GetBytes(Magic));
    }

    private static byte[] Encode(IKeyWrapper wrapper, byte[] plaintext, string purpose) =>
        Encoding.ASCII.GetBytes($"{Magic}\nkek: {wrapper.Id}\npurpose: {purpose}\n{Convert.ToBase64String(wrapper.Wrap(plaintext, purpose))}\n");

    private static byte[] Decode(byte[] content, string purpose, IKeyWrapper? wrapper, string path, string what)
    {
        var lines = Encoding.ASCII.GetString(content).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length != 4 || !lines[1].StartsWith("kek: ", StringComparison.Ordinal) || lines[2] != "purpose: " + purpose)
        {
            throw new InvalidOperationException($"{what} {path} is not a valid wrapped key file");
        }

        var kekId = lines[1]["kek: ".Length..];
        if (wrapper is null)
        {
            throw new InvalidOperationException($"{what} {path} is wrapped by key-encryption key {kekId}; set Warden:KeyEncryptionKeyFile");
        }

        if (kekId != wrapper.Id)
        {
            throw new InvalidOperationException($"{what} {path} is wrapped by key-encryption key {kekId}, not by the configured {wrapper.Id}");
        }

        try
        {
            return wrapper.Unwrap(Convert.FromBase64String(lines[3]), purpose);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            throw new InvalidOperationException($"{what} {path} does not open with key-encryption key {kekId} (changed or corrupt)", ex);
        }
    }

    private static void WriteOwnerOnly(string path, byte[] bytes, FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }
}
