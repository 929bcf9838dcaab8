using BenchmarkDotNet.Running;
using Warden.Benchmarks.Detection;

if (args is ["detection-cpu"])
{
    DetectionCpuProbe.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
