using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Warden.Core.Audit;

namespace Warden.Storage.Sqlite.Audit;

/// <summary>
/// The append journal file (<c>audit.db-wlog</c>): pre-allocated, a 4 KB header (magic, epoch), then frames
/// (<see cref="SqliteAuditJournalFrames"/>) from <see cref="FirstFrame"/>. The epoch is the journal's generation:
/// whoever writes frames owns the current epoch; anyone who folds the journal's frames into SQLite (a start-up, a second
/// writer) does so under the lock and then writes a new epoch, which tells the previous owner that its journaled
/// records are already in SQLite. Every read or write of frames or header happens under <see cref="Lock"/>
/// (<c>flock(LOCK_EX)</c> on this open file description), so stores in different processes, or two stores of one
/// process, take turns. The caller serializes its own threads (one open file description shares one flock).
/// </summary>
internal sealed class SqliteAuditJournal : IDisposable
{
    internal const long FirstFrame = SqliteAuditJournalFrames.Page;
    private const uint FileMagic = 0x314A4157; // "WAJ1"
    private const int LockEx = 2;
    private const int LockUn = 8;
    private readonly SafeFileHandle _file;
    private readonly long _capacity;
    private readonly byte[] _header = new byte[12];
    private byte[] _buffer = new byte[16 * 1024];
    private ulong _epoch; // 0: not the owner (another store wrote the current epoch, or nothing opened yet)
    private long _offset = FirstFrame;

    public SqliteAuditJournal(string path, long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 4 * FirstFrame);
        _capacity = capacity;
        _file = Open(path, capacity);
        Lock();
        try
        {
            if (ReadEpoch() == 0)
            {
                if (_header.AsSpan().ContainsAnyExcept((byte)0))
                {
                    // Not a fresh (zero-filled) file and not a journal header: frames after it may hold acknowledged
                    // records. Starting over would drop them silently: refuse (fail closed) and let the operator decide.
                    throw new AuditUnavailableException($"the audit journal {path} has a damaged header: refusing to use it");
                }

                // New (or never initialized): .NET pre-allocates with FALLOC_FL_KEEP_SIZE, so the length is set here and
                // frame writes never extend the file. The fresh epoch is nobody's: the first store to write takes over.
                RandomAccess.SetLength(_file, capacity);
                WriteHeader(NewEpoch());
                _epoch = 0;
            }
        }
        catch
        {
            Unlock();
            _file.Dispose();
            throw;
        }

        Unlock();
    }

    /// <summary>Frames written since the last reset (bytes).</summary>
    public long Used => _offset - FirstFrame;

    /// <summary>Takes the cross-process lock (blocks while another store holds it).</summary>
    public void Lock()
    {
        while (Flock(_file, LockEx) != 0)
        {
            if (Marshal.GetLastPInvokeError() != 4) // EINTR: retry
            {
                throw new IOException($"flock on the audit journal failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
    }

    public void Unlock() => _ = Flock(_file, LockUn);

    /// <summary>Under the lock: true while this store owns the current epoch (nobody folded the journal since its last write).</summary>
    public bool IsOwner() => _epoch != 0 && ReadEpoch() == _epoch;

    /// <summary>Under the lock, as owner: writes the records as one frame with one <c>pwrite</c>; false when it does not fit.</summary>
    public bool TryAppend(IReadOnlyList<AuditRecordToStore> records)
    {
        var padded = SqliteAuditJournalFrames.Size(records, out var unpadded);
        if (_offset + padded > _capacity)
        {
            return false;
        }

        if (_buffer.Length < padded)
        {
            _buffer = new byte[BitOperations.RoundUpToPowerOf2((uint)padded)];
        }

        SqliteAuditJournalFrames.Encode(records, _epoch, _buffer.AsSpan(0, padded), unpadded);
        RandomAccess.Write(_file, _buffer.AsSpan(0, padded), _offset);
        _offset += padded;
        return true;
    }

    /// <summary>
    /// Under the lock: the records of the current epoch's frames, in order, up to the first frame that is torn, stale
    /// (an earlier epoch) or not there; throws when a complete frame does not parse (fail closed).
    /// </summary>
    public List<AuditRecordToStore> ReadFrames()
    {
        var records = new List<AuditRecordToStore>();
        var epoch = ReadEpoch();
        var offset = FirstFrame;
        var header = new byte[SqliteAuditJournalFrames.Header];
        while (epoch != 0 && offset + header.Length <= _capacity && RandomAccess.Read(_file, header, offset) == header.Length)
        {
            var length = SqliteAuditJournalFrames.PayloadLength(header, epoch, _capacity - offset);
            if (length < 0)
            {
                break;
            }

            var payload = new byte[length];
            if (RandomAccess.Read(_file, payload, offset + header.Length) != length || !SqliteAuditJournalFrames.ChecksumMatches(header, payload))
            {
                // A torn frame is the last one written (its callers were never acknowledged); a complete frame of this
                // epoch after it means this one was damaged later: refuse rather than skip acknowledged records.
                if (IsFrame(offset + SqliteAuditJournalFrames.Align(header.Length + length), epoch))
                {
                    throw new AuditUnavailableException($"the audit journal has a damaged frame at offset {offset} before intact ones: refusing to use it");
                }

                break;
            }

            var frame = SqliteAuditJournalFrames.Decode(payload)
                ?? throw new AuditUnavailableException($"the audit journal has an unreadable frame at offset {offset}: refusing to use it");
            records.AddRange(frame);
            offset += SqliteAuditJournalFrames.Align(header.Length + length);
        }

        return records;
    }

    private bool IsFrame(long offset, ulong epoch)
    {
        var header = new byte[SqliteAuditJournalFrames.Header];
        if (offset + header.Length > _capacity || RandomAccess.Read(_file, header, offset) != header.Length)
        {
            return false;
        }

        var length = SqliteAuditJournalFrames.PayloadLength(header, epoch, _capacity - offset);
        if (length < 0)
        {
            return false;
        }

        var payload = new byte[length];
        return RandomAccess.Read(_file, payload, offset + header.Length) == length && SqliteAuditJournalFrames.ChecksumMatches(header, payload);
    }

    /// <summary>Under the lock, once every frame is in SQLite: a new epoch owned by this store, frames from the start.</summary>
    public void Reset()
    {
        WriteHeader(NewEpoch());
        _offset = FirstFrame;
    }

    public void Dispose() => _file.Dispose();

    private static SafeFileHandle Open(string path, long capacity)
    {
        // .NET takes a non-blocking flock (LOCK_SH for a shared open) when it opens a file: dropped at once, as the
        // journal's lock is taken per operation. The open fails while another store holds LOCK_EX: retried (held µs–ms).
        if (Directory.Exists(path))
        {
            throw new AuditUnavailableException($"the audit journal path {path} is a directory: refusing to start");
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var file = File.Exists(path)
                    ? File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite)
                    : File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite, FileOptions.None, capacity);
                _ = Flock(file, LockUn);
                return file;
            }
            catch (IOException) when (attempt < 400)
            {
                Thread.Sleep(5); // locked by another store, or created by it between the check and CreateNew
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new AuditUnavailableException($"the audit journal {path} cannot be opened ({ex.Message}): refusing to start", ex);
            }
        }
    }

    private ulong ReadEpoch() =>
        RandomAccess.Read(_file, _header, 0) == _header.Length && BinaryPrimitives.ReadUInt32LittleEndian(_header) == FileMagic
            ? BinaryPrimitives.ReadUInt64LittleEndian(_header.AsSpan(4))
            : 0;

    private ulong NewEpoch()
    {
        ulong e;
        do
        {
            e = BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(8));
        }
        while (e == 0 || e == _epoch);

        return e;
    }

    private void WriteHeader(ulong epoch)
    {
        var header = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(header, FileMagic);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(4), epoch);
        RandomAccess.Write(_file, header, 0);
        _epoch = epoch;
    }

    private static int Flock(SafeFileHandle file, int operation)
    {
        var added = false;
        file.DangerousAddRef(ref added);
        try
        {
            return FlockNative((int)file.DangerousGetHandle(), operation);
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }
    }

#pragma warning disable CA5392, SYSLIB1054 // libc on Linux; blittable arguments only (no marshalling, no unsafe code).
    [DllImport("libc", EntryPoint = "flock", ExactSpelling = true, SetLastError = true)]
    private static extern int FlockNative(int fd, int operation);
#pragma warning restore CA5392, SYSLIB1054
}
