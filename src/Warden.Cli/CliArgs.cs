namespace Warden.Cli;

/// <summary>
/// A small, strict parser for <c>--name value</c>, <c>--name=value</c> and <c>--flag</c> options
/// plus positional arguments. Unknown options are a usage error.
/// </summary>
internal sealed class CliArgs
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly List<string> _positionals = [];

    private CliArgs()
    {
    }

    public IReadOnlyList<string> Positionals => _positionals;

    /// <summary>Parses <paramref name="args"/>; <paramref name="valueOptions"/> take a value, <paramref name="flags"/> do not.</summary>
    public static CliArgs Parse(string[] args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flags)
    {
        var parsed = new CliArgs();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a == "--")
            {
                parsed._positionals.AddRange(args[(i + 1)..]);
                break;
            }

            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
            {
                parsed._positionals.Add(a);
                continue;
            }

            var eq = a.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? a[2..eq] : a[2..];
            if (flags.Contains(name))
            {
                parsed._options[name] = eq > 0 ? a[(eq + 1)..] : "true";
            }
            else if (valueOptions.Contains(name))
            {
                if (eq > 0)
                {
                    parsed._options[name] = a[(eq + 1)..];
                }
                else if (i + 1 < args.Length)
                {
                    parsed._options[name] = args[++i];
                }
                else
                {
                    throw new CliUsageException($"option --{name} needs a value");
                }
            }
            else
            {
                throw new CliUsageException($"unknown option --{name}");
            }
        }

        return parsed;
    }

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Get(string name) => _options.GetValueOrDefault(name);

    public bool Flag(string name) => _options.TryGetValue(name, out var v) && v is not ("false" or "0");
}
