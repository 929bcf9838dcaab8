using System.Runtime.InteropServices;

namespace Warden.Benchmarks.Detection;

/// <summary>
/// The kernel's CPU clocks, read with <c>clock_gettime</c> (nanosecond resolution at every call, unlike
/// <c>/proc/thread-self/schedstat</c>, which moves only at scheduler events: too coarse for slices of a few milliseconds).
/// </summary>
internal static partial class CpuClock
{
    private const int ProcessCpuTimeId = 2;
    private const int ThreadCpuTimeId = 3;

    /// <summary>CPU time of the calling thread, in milliseconds.</summary>
    public static double ThreadMs() => Read(ThreadCpuTimeId);

    /// <summary>CPU time of the whole process, in milliseconds.</summary>
    public static double ProcessMs() => Read(ProcessCpuTimeId);

    private static double Read(int clock)
    {
        if (ClockGetTime(clock, out var time) != 0)
        {
            throw new InvalidOperationException($"clock_gettime({clock}) failed");
        }

        return (time.Seconds * 1e3) + (time.Nanoseconds / 1e6);
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
