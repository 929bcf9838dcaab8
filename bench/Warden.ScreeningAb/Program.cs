using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using Warden.Benchmarks.Detection;

// Screening CPU time of two Warden.Core builds, A and B, side by side in ONE process: each build is loaded into its own
// AssemblyLoadContext, the calls alternate A, B, B, A, … and each call's thread CPU time (CLOCK_THREAD_CPUTIME_ID, ns
// resolution) is recorded, so both builds see the same machine load. The document is the BenchmarkDotNet benchmark's own
// (ScreeningBenchmarks.Build, read from the given Warden.Benchmarks.dll); the call is Sanitize(Html) then Assess.
// usage: Warden.ScreeningAb BENCHMARKS_DLL DIR_A DIR_B SIZE ROUNDS   (each DIR holds a Warden.Core.dll and its dependencies)
if (args.Length != 5)
{
    Console.Error.WriteLine("usage: Warden.ScreeningAb BENCHMARKS_DLL DIR_A DIR_B SIZE ROUNDS");
    return 2;
}

var size = int.Parse(args[3], CultureInfo.InvariantCulture);
var rounds = int.Parse(args[4], CultureInfo.InvariantCulture);
var document = BuildDocument(args[0], size);
string[] dirs = [args[1], args[2]];
var runners = dirs.Select(d => Load(d, document)).ToArray();
for (var w = 0; w < 10; w++)
{
    foreach (var r in runners)
    {
        r();
    }
}

List<double>[] times = [[], []];
for (var k = 0; k < rounds; k++)
{
    foreach (var v in k % 2 == 0 ? [0, 1] : new[] { 1, 0 })
    {
        var t0 = CpuClock.ThreadMs();
        runners[v]();
        times[v].Add(CpuClock.ThreadMs() - t0);
    }
}

for (var v = 0; v < 2; v++)
{
    var t = times[v].Order().ToArray();
    var median = t[t.Length / 2];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{(v == 0 ? "A" : "B")} size={size} calls={t.Length} min={t[0]:F3} ms median={median:F3} ms → {size / 1e3 / median:F1} MB/s (median), {size / 1e3 / t[0]:F1} MB/s (min)  [{dirs[v]}]"));
}

var ratios = times[1].Zip(times[0], (b, a) => b / a).Order().ToArray();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"B/A CPU time, median of per-pair ratios: {ratios[ratios.Length / 2]:F3}"));
return 0;

static string BuildDocument(string benchmarksDll, int size)
{
    var type = Assembly.LoadFrom(benchmarksDll).GetType("Warden.Benchmarks.Screening.ScreeningBenchmarks", throwOnError: true)!;
    var build = type.GetMethod("Build", BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)!;
    return (string)build.Invoke(null, [size])!;
}

static Action Load(string dir, string document)
{
    var alc = new AssemblyLoadContext(dir);
    alc.Resolving += (ctx, name) =>
    {
        var path = Path.Combine(dir, name.Name + ".dll");
        return File.Exists(path) ? ctx.LoadFromAssemblyPath(path) : null;
    };
    var core = alc.LoadFromAssemblyPath(Path.Combine(Path.GetFullPath(dir), "Warden.Core.dll"));
    var sanitizerType = core.GetType("Warden.Core.Screening.ContentSanitizer", throwOnError: true)!;
    var detectorType = core.GetType("Warden.Core.Screening.InjectionDetector", throwOnError: true)!;
    var sanitizedType = core.GetType("Warden.Core.Screening.SanitizedContent", throwOnError: true)!;
    var html = Enum.Parse(core.GetType("Warden.Core.Screening.ContentType", throwOnError: true)!, "Html");
    var sanitizer = Activator.CreateInstance(sanitizerType, [null])!;
    var detector = Activator.CreateInstance(detectorType, [null])!;
    var sanitize = sanitizerType.GetMethod("Sanitize")!;
    var assess = detectorType.GetMethod("Assess", [sanitizedType])!;
    return () => assess.Invoke(detector, [sanitize.Invoke(sanitizer, [document, html])]);
}
