using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Recognizers;

/// <summary>A recognizer built from <see cref="CustomRecognizerOptions"/> (validated first).</summary>
internal sealed class CustomPatternRecognizer : RegexRecognizer
{
    private readonly CustomRecognizerOptions _options;

    public CustomPatternRecognizer(CustomRecognizerOptions options)
        : base(options.Name, options.EntityType, options.Score, options.Context)
    {
        _options = options;
        Pattern = new Regex(options.Pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
    }

    protected override Regex Pattern { get; }

    protected override bool RequiresContext => _options.RequireContext;

    protected override double ContextBoost => 0.25;

    protected override bool Validate(string text, ref int start, ref int end, ref double score)
    {
        var s = text.AsSpan(start, end - start);
        switch (_options.Validator.ToUpperInvariant())
        {
            case "LUHN":
                {
                    Span<char> d = stackalloc char[64];
                    var n = Digits(s, d);
                    return n > 1 && Checksums.Luhn(d[..n]);
                }

            case "MOD97":
                {
                    Span<char> c = stackalloc char[64];
                    var n = 0;
                    foreach (var ch in s)
                    {
                        if (char.IsAsciiLetterOrDigit(ch))
                        {
                            if (n == c.Length)
                            {
                                return false;
                            }

                            c[n++] = ch;
                        }
                    }

                    return Checksums.IbanMod97(c[..n]);
                }

            case "NHS":
                {
                    Span<char> d = stackalloc char[16];
                    return Digits(s, d) == 10 && Checksums.NhsMod11(d[..10]);
                }

            default:
                return true;
        }
    }
}
