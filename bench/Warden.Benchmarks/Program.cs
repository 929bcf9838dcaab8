using BenchmarkDotNet.Running;
using Warden.Benchmarks.Audit;
using Warden.Benchmarks.Detection;

if (args is ["detection-cpu"])
{
    DetectionCpuProbe.Run();
    return;
}

if (args is ["audit-cpu", ..])
{
    var numbered = args.Length > 1 && char.IsDigit(args[1][0]);
    await AuditCpuProbe.RunAsync(numbered ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200_000, args.Skip(numbered ? 2 : 1).ToHashSet());
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
