using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Warden.Storage.Sqlite.Audit;

/// <summary>
/// fsync of a connection's main database file through SQLite's own VFS file object
/// (<c>SQLITE_FCNTL_FILE_POINTER</c>, then its <c>xSync</c>). A second descriptor of our own would not do: closing it
/// drops every POSIX lock this process holds on the file, SQLite's included. Used by the WAL checkpointer to flush the
/// pages its passive passes copied <em>before</em> it holds commits for its last pass, so that pass's own fsync of the
/// database file covers only a few pages.
/// </summary>
internal static class SqliteFileSync
{
    private const int FilePointer = 7; // SQLITE_FCNTL_FILE_POINTER
    private const int SyncNormal = 2; // SQLITE_SYNC_NORMAL
    private static readonly byte[] Main = "main\0"u8.ToArray();
    private static int _unavailable;

    /// <summary>False when the file could not be synced (no such entry point, another provider, an I/O error).</summary>
    public static bool SyncMainFile(SqliteConnection connection)
    {
        if (Volatile.Read(ref _unavailable) == 1 || connection.Handle is null)
        {
            return false;
        }

        try
        {
            if (FileControl(connection.Handle.DangerousGetHandle(), Main, FilePointer, out var file) != 0 || file == IntPtr.Zero)
            {
                return false;
            }

            // struct sqlite3_file { const sqlite3_io_methods* pMethods; }; sqlite3_io_methods: int iVersion, then
            // xClose, xRead, xWrite, xTruncate, xSync, … (function pointers).
            var methods = Marshal.ReadIntPtr(file);
            var xSync = methods == IntPtr.Zero ? IntPtr.Zero : Marshal.ReadIntPtr(methods, 5 * IntPtr.Size);
            return xSync != IntPtr.Zero && Marshal.GetDelegateForFunctionPointer<XSync>(xSync)(file, SyncNormal) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref _unavailable, 1);
            return false;
        }
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int XSync(IntPtr file, int flags);

#pragma warning disable CA5392, SYSLIB1054 // the library Microsoft.Data.Sqlite's bundle loads; blittable arguments only.
    [DllImport("e_sqlite3", EntryPoint = "sqlite3_file_control", ExactSpelling = true)]
    private static extern int FileControl(IntPtr db, byte[] name, int op, out IntPtr arg);
#pragma warning restore CA5392, SYSLIB1054
}
