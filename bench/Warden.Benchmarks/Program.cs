using BenchmarkDotNet.Running;
using Warden.Benchmarks.Audit;
using Warden.Benchmarks.Detection;

if (args is ["detection-cpu"])
{
    DetectionCpuProbe.Run();
    return;
}

if (args is ["scrub-cpu", ..])
{
    ScrubCpuProbe.Run(args.Length > 1 ? args[1] : null);
    return;
}

if (args is ["audit-cpu", ..])
{
    await AuditCpuProbe.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200_000);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
