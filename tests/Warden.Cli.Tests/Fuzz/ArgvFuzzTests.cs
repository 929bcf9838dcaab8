using System.Text;

namespace Warden.Cli.Tests.Fuzz;

/// <summary>
/// Seeded fuzzing of the command line: the local commands (nothing that serves or calls a URL), each given a random mix
/// of its own and other commands' options, option names without values, garbage values (missing files, directories,
/// binary files, numbers out of range, empty strings, long and non-ASCII text) and random stdin. Every run either succeeds
/// or exits non-zero with exactly one line on stderr that starts with "warden" and names a reason, never a stack trace or
/// a bare .NET exception name. Data directories and output files are fresh ones under a temporary directory.
/// </summary>
public sealed class ArgvFuzzTests : IDisposable
{
    private const int Cases = 120;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-cli-argv-" + Guid.NewGuid().ToString("N"));

    private static readonly string[] Commands =
    [
        "scrub", "scrub --jsonl", "screen", "screen --jsonl", "policy check", "policy test", "audit verify", "audit export",
        "agents create", "agents list", "agents profile", "users create", "providers set-key", "version",
    ];

    private static readonly string[] Options =
    [
        "--entities", "--operator", "--min-score", "--key-env", "--allow", "--deny", "--fakes", "--config", "--jsonl", "--no-names",
        "--content-type", "--mode", "--threshold", "--source", "--allow-host", "--request", "--expect", "--public-key", "--agent",
        "--user", "--task", "--decision", "--provider", "--type", "--from", "--to", "--after", "--owner", "--description",
        "--ceiling", "--rights", "--sso-subject", "--bogus", "-x", "--", "---", "--=", "--entities=EMAIL_ADDRESS", "--help",
    ];

    private static readonly string[] Values =
    [
        "{dir}/garbage.bin", "{dir}/empty-dir", "{dir}/missing", "{dir}/truncated.json", "{dir}/policy", "", "-", "0", "-1", "1e999",
        "NaN", "2.5", "\u2603", "EMAIL_ADDRESS,BOGUS", "EMAIL_ADDRESS", "pseudonymize", "hash", "encrypt", "mask", "all", "html",
        "datamark", "allow", "2026-13-40", "2026-01-01T00:00:00Z", "llm:openai/*", "llm:", "tool:x.*:write", "a b c", "WARDEN_NO_SUCH_VAR",
        "name-1", "x@y", "\t", "%s%n", "../..",
    ];

    public ArgvFuzzTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "empty-dir"));
        File.WriteAllBytes(Path.Combine(_dir, "garbage.bin"), [0xFF, 0xFE, 0x00, 0x01, 0xC3, 0x28, (byte)'{', (byte)'"']);
        File.WriteAllText(Path.Combine(_dir, "truncated.json"), "{\"Warden\":{\"Detection\":{\"MinScore\":");
        Directory.CreateDirectory(Path.Combine(_dir, "policy"));
        File.WriteAllText(Path.Combine(_dir, "policy", "p.yaml"), "version: \"1\"\nrules:\n  - id: allow-all\n    effect: allow\n    when: \"true\"\n");
    }

    [Theory]
    [InlineData(4201)]
    [InlineData(4202)]
    public async Task RandomCommandLines_Seeded_SucceedOrOneLineReason_NeverAStackTraceOrExceptionName(int seed)
    {
        var rng = new Random(seed);
        var failures = new List<string>();
        for (var i = 0; i < Cases; i++)
        {
            var args = new List<string>(Commands[rng.Next(Commands.Length)].Split(' '));
            var n = rng.Next(5);
            for (var k = 0; k < n; k++)
            {
                switch (rng.Next(4))
                {
                    case 0:
                        args.Add(Options[rng.Next(Options.Length)]); // an option without its value, or a flag
                        break;
                    case 1:
                        args.Add(Value(rng)); // a positional
                        break;
                    default:
                        args.Add(Options[rng.Next(Options.Length)]);
                        args.Add(Value(rng));
                        break;
                }
            }

            if (args[0] is "agents" or "users" or "providers" or "audit")
            {
                args.Add("--data-dir");
                args.Add(Path.Combine(_dir, $"data-{seed}-{i}"));
            }

            var stdin = rng.Next(4) switch
            {
                0 => "",
                1 => "{\"id\":1,\"text\":\"mail jane@example.com\"}\n{bad\n",
                2 => Encoding.Latin1.GetString([.. Enumerable.Range(0, 64).Select(_ => (byte)rng.Next(256))]),
                _ => "sk-fuzz-key\n",
            };
            var label = $"seed {seed} case {i}: warden {string.Join(' ', args.Select(a => a.Length > 40 ? a[..40] + "…" : a))}";
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            int code;
            try
            {
                code = await CliApp.RunAsync([.. args], new CliContext(new StringReader(stdin), stdout, stderr, CancellationToken.None));
            }
            catch (Exception ex)
            {
                failures.Add($"{label}: threw {ex.GetType().Name}: {ex.Message}");
                continue;
            }

            var err = stderr.ToString().TrimEnd('\r', '\n');
            if (err.Contains("   at ", StringComparison.Ordinal))
            {
                failures.Add($"{label}: stack trace on stderr");
            }
            else if (code != 0 && stdout.ToString().StartsWith("usage:", StringComparison.Ordinal) && err.Length == 0)
            {
                // A missing or unknown sub-command prints the usage on stdout (by design).
            }
            else if (code != 0 && (err.Length == 0 || err.Contains('\n') || !err.StartsWith("warden", StringComparison.Ordinal)))
            {
                failures.Add($"{label}: exit {code}, stderr not one 'warden ...' line: {err}");
            }
            else if (code != 0 && System.Text.RegularExpressions.Regex.IsMatch(err, @"^warden [a-z]+: [A-Za-z.]*Exception: "))
            {
                failures.Add($"{label}: exit {code}, a bare exception name instead of a reason: {err}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {Cases} cases failed:\n" + string.Join("\n", failures.Take(40)));
    }

    private string Value(Random rng) => rng.Next(12) == 0
        ? new string('v', 2000 + rng.Next(3000))
        : Values[rng.Next(Values.Length)].Replace("{dir}", _dir, StringComparison.Ordinal);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
