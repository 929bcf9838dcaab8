using BenchmarkDotNet.Running;
using Warden.Benchmarks.Audit;
using Warden.Benchmarks.Detection;

if (args is ["detection-cpu"])
{
    DetectionCpuProbe.Run();
    return;
}

if (args is ["detection-cpu", "ab"])
{
    DetectionCpuProbe.RunAb();
    return;
}

if (args is ["detection-cpu", "prompt"])
{
    DetectionCpuProbe.Run(promptOnly: true);
    return;
}

if (args is ["detection-cpu", "loop", var seconds, ..])
{
    // For profilers (perf, dotnet-trace): the engine on prompt text (1 MB, or the size given: "10m", "100k") for the given
    // seconds.
    var engine = new Warden.Core.Detection.DetectionEngine(new Warden.Core.Detection.DetectionOptions { NamedEntities = false });
    var text = PromptCorpus.Build(args.Length > 3 ? DetectionScaleProbe.ParseSize(args[3]) : 1_048_576);
    var until = System.Diagnostics.Stopwatch.StartNew();
    while (until.Elapsed.TotalSeconds < double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture))
    {
        engine.Analyze(text);
    }

    return;
}

if (args is ["detection-cpu", "scale", "rounds", ..])
{
    DetectionScaleProbe.RunRounds(args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 10);
    return;
}

if (args is ["detection-cpu", "scale", ..])
{
    DetectionScaleProbe.Run(args[2..]);
    return;
}

if (args is ["detection-cpu", "inproc", var baseDir, var newDir, ..])
{
    DetectionInProcessAb.Run(
        baseDir,
        newDir,
        args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 30,
        args.Length > 5 ? int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture) : 1_024);
    return;
}

if (args is ["detection-cpu", "warmups", var warmUpDir, ..])
{
    DetectionWarmUpAb.Run(
        warmUpDir,
        args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 40,
        args.Length > 4 && args[4] == "control");
    return;
}

if (args is ["detection-cpu", "small", ..])
{
    DetectionSmallPromptProbe.Run(
        args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10,
        args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 5,
        args.Length > 4 && args[4] == "mixed");
    return;
}

if (args is ["detection-cpu", "corpus-jsonl", var corpusPath])
{
    PromptCorpusJsonl.Write(corpusPath);
    return;
}

if (args is ["detection-cpu", "recognizers", ..])
{
    DetectionCpuProbe.RunPerRecognizer(args[2..]);
    return;
}

if (args is ["scrub-path-cpu", ..])
{
    Warden.Benchmarks.Gateway.ScrubPathCpuProbe.Run(args.Length > 1 ? args[1] : null);
    return;
}

if (args is ["scrub-cpu", ..])
{
    ScrubCpuProbe.Run(args.Length > 1 ? args[1] : null);
    return;
}

if (args is ["audit-cpu", ..])
{
    var numbered = args.Length > 1 && char.IsDigit(args[1][0]);
    await AuditCpuProbe.RunAsync(numbered ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200_000, args.Skip(numbered ? 2 : 1).ToHashSet());
    return;
}

if (args is ["audit-make", var makeDir, var makeEvents])
{
    await AuditVerifyFileProbe.MakeAsync(makeDir, int.Parse(makeEvents, System.Globalization.CultureInfo.InvariantCulture));
    return;
}

if (args is ["audit-verify", var verifyDir, ..])
{
    await AuditVerifyFileProbe.VerifyAsync(verifyDir, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return;
}

if (args is ["audit-commit", ..])
{
    await AuditCommitProbe.RunAsync(args[1..]);
    return;
}

if (args is ["audit-steps", ..])
{
    await AuditStepsProbe.RunAsync(args[1..]);
    return;
}

if (args is ["audit-tail", ..])
{
    await AuditTailProbe.RunAsync(args[1..]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
