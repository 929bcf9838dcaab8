using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Warden.Core.Audit;

/// <summary>
/// SHA-256 of many short inputs for the verifier. On Linux, .NET hashes through OpenSSL's EVP layer, which costs more
/// per call than the hash itself for a 500-byte record: each <see cref="IncrementalHash"/> round is three interop
/// calls, each clearing OpenSSL's thread error queue (<c>ERR_clear_error</c>), plus a provider context freed and
/// allocated again on every reset and a SafeHandle add/release per call (≈ 45 % of verify's CPU, measured with
/// <c>perf</c>; docs/bench/audit.md). This class calls the same library's low-level <c>SHA256_Init</c> /
/// <c>SHA256_Update</c> / <c>SHA256_Final</c> (the same SHA-NI/AVX2 block function, no error queue, no allocation)
/// on a caller-owned context. If the library or the functions are missing (another OS, OpenSSL built without the
/// deprecated API), or the known-answer check at start fails, <see cref="Hasher"/> falls back to
/// <see cref="IncrementalHash"/>: the result is SHA-256 either way.
/// </summary>
internal static class AuditSha256
{
    private const string LibCrypto = "libcrypto.so.3";

    /// <summary>OpenSSL's SHA256_CTX is 112 bytes; room to spare.</summary>
    private const int ContextSize = 256;

    /// <summary>Inputs up to this size run without a GC transition (well under a microsecond of work).</summary>
    private const int ShortInput = 16 * 1024;

    /// <summary>Whether the direct OpenSSL path is in use (false: <see cref="IncrementalHash"/>).</summary>
    public static bool IsDirect { get; } = SelfTest();

    /// <summary>A per-thread hasher (not thread-safe; one per digest slice).</summary>
    public sealed class Hasher : IDisposable
    {
        private readonly byte[] _context;
        private readonly IncrementalHash? _fallback;

        public Hasher()
            : this(IsDirect)
        {
        }

        /// <summary>Tests: <paramref name="direct"/> false forces the <see cref="IncrementalHash"/> path.</summary>
        internal Hasher(bool direct)
        {
            _context = direct ? new byte[ContextSize] : [];
            _fallback = direct ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }

        /// <summary>Writes SHA-256 of <paramref name="data"/> (32 bytes) to <paramref name="destination"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
        {
            if (_fallback is not null)
            {
                _fallback.AppendData(data);
                _fallback.GetHashAndReset(destination);
                return;
            }

            if (!TryDirect(_context, data, destination))
            {
                throw new CryptographicException("SHA-256 failed in libcrypto");
            }
        }

        public void Dispose() => _fallback?.Dispose();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryDirect(Span<byte> context, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length < 32)
        {
            return false;
        }

        ref var ctx = ref MemoryMarshal.GetReference(context);
        ref var src = ref MemoryMarshal.GetReference(data);
        ref var md = ref MemoryMarshal.GetReference(destination);
        return data.Length <= ShortInput
            ? Init(ref ctx) == 1 && Update(ref ctx, ref src, (nuint)data.Length) == 1 && Final(ref md, ref ctx) == 1
            : InitSlow(ref ctx) == 1 && UpdateSlow(ref ctx, ref src, (nuint)data.Length) == 1 && FinalSlow(ref md, ref ctx) == 1;
    }

    /// <summary>Known answers, compared with .NET's own SHA-256, before the direct path is trusted.</summary>
    private static bool SelfTest()
    {
        try
        {
            var context = new byte[ContextSize];
            var got = new byte[32];
            foreach (var length in (int[])[0, 3, 55, 56, 63, 64, 65, 450, 1000, ShortInput + 1])
            {
                var data = new byte[length];
                for (var i = 0; i < length; i++)
                {
                    data[i] = (byte)((i * 31) + length);
                }

                if (!TryDirect(context, data, got) || !got.AsSpan().SequenceEqual(SHA256.HashData(data)))
                {
                    return false;
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or MarshalDirectiveException)
        {
            return false;
        }
    }

#pragma warning disable CA5392, SYSLIB1054 // Linux-only library name; a blittable DllImport needs no unsafe code or marshalling.
    [DllImport(LibCrypto, EntryPoint = "SHA256_Init", ExactSpelling = true)]
    [SuppressGCTransition]
    private static extern int Init(ref byte context);

    [DllImport(LibCrypto, EntryPoint = "SHA256_Update", ExactSpelling = true)]
    [SuppressGCTransition]
    private static extern int Update(ref byte context, ref byte data, nuint length);

    [DllImport(LibCrypto, EntryPoint = "SHA256_Final", ExactSpelling = true)]
    [SuppressGCTransition]
    private static extern int Final(ref byte digest, ref byte context);

    [DllImport(LibCrypto, EntryPoint = "SHA256_Init", ExactSpelling = true)]
    private static extern int InitSlow(ref byte context);

    [DllImport(LibCrypto, EntryPoint = "SHA256_Update", ExactSpelling = true)]
    private static extern int UpdateSlow(ref byte context, ref byte data, nuint length);

    [DllImport(LibCrypto, EntryPoint = "SHA256_Final", ExactSpelling = true)]
    private static extern int FinalSlow(ref byte digest, ref byte context);
#pragma warning restore CA5392, SYSLIB1054
}
