using System.Globalization;
using System.Text;

namespace Warden.Core.Policy.Expressions;

/// <summary>
/// Recursive-descent parser for Warden's CEL subset (see docs/policy.md). Bounded: at most
/// <see cref="MaxLength"/> characters and <see cref="MaxDepth"/> levels of nesting.
/// </summary>
internal sealed class CelParser
{
    public const int MaxLength = 4096;
    public const int MaxDepth = 64;
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop",
        "package", "namespace", "return", "var", "void", "while",
    };

    private readonly string _src;
    private int _pos;
    private int _depth;

    private CelParser(string source)
    {
        _src = source;
    }

    public static CelNode Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Length > MaxLength)
        {
            throw new CelSyntaxException($"condition is longer than {MaxLength} characters");
        }

        var p = new CelParser(source);
        var node = p.ParseExpr();
        p.SkipSpace();
        if (p._pos < p._src.Length)
        {
            throw new CelSyntaxException($"unexpected '{p._src[p._pos]}'", p._pos);
        }

        return node;
    }

    private CelNode ParseExpr()
    {
        if (++_depth > MaxDepth)
        {
            throw new CelSyntaxException("condition is nested too deeply", _pos);
        }

        var cond = ParseOr();
        if (Accept("?"))
        {
            var then = ParseOr();
            Expect(":");
            var otherwise = ParseExpr();
            cond = new CelConditional(cond.Position, cond, then, otherwise);
        }

        _depth--;
        return cond;
    }

    private CelNode ParseOr()
    {
        var left = ParseAnd();
        while (Accept("||"))
        {
            left = new CelBinary(left.Position, "||", left, ParseAnd());
        }

        return left;
    }

    private CelNode ParseAnd()
    {
        var left = ParseRelation();
        while (Accept("&&"))
        {
            left = new CelBinary(left.Position, "&&", left, ParseRelation());
        }

        return left;
    }

    private CelNode ParseRelation()
    {
        var left = ParseAdditive();
        while (true)
        {
            var op = AcceptAny("==", "!=", "<=", ">=", "<", ">") ?? (AcceptKeyword("in") ? "in" : null);
            if (op is null)
            {
                return left;
            }

            left = new CelBinary(left.Position, op, left, ParseAdditive());
        }
    }

    private CelNode ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (AcceptAny("+", "-") is { } op)
        {
            left = new CelBinary(left.Position, op, left, ParseMultiplicative());
        }

        return left;
    }

    private CelNode ParseMultiplicative()
    {
        var left = ParseUnary();
        while (AcceptAny("*", "/", "%") is { } op)
        {
            left = new CelBinary(left.Position, op, left, ParseUnary());
        }

        return left;
    }

    private CelNode ParseUnary()
    {
        SkipSpace();
        var at = _pos;
        if (Accept("!"))
        {
            return new CelUnary(at, "!", ParseUnary());
        }

        if (PeekIs("-") && !PeekIs("--"))
        {
            _pos++;
            SkipSpace();
            if (_pos < _src.Length && char.IsAsciiDigit(_src[_pos]))
            {
                return ParseMember(ParseNumber(at, negative: true));
            }

            return new CelUnary(at, "-", ParseUnary());
        }

        return ParseMember(ParsePrimary());
    }

    private CelNode ParseMember(CelNode node)
    {
        while (true)
        {
            SkipSpace();
            var at = _pos;
            if (Accept("."))
            {
                var name = ParseIdentifier();
                if (Accept("("))
                {
                    node = new CelCall(at, node, name, ParseArgs(")"));
                }
                else
                {
                    node = new CelSelect(at, node, name);
                }
            }
            else if (Accept("["))
            {
                var key = ParseExpr();
                Expect("]");
                node = new CelIndex(at, node, key);
            }
            else
            {
                return node;
            }
        }
    }

    private CelNode ParsePrimary()
    {
        SkipSpace();
        var at = _pos;
        if (_pos >= _src.Length)
        {
            throw new CelSyntaxException("unexpected end of condition", _pos);
        }

        var c = _src[_pos];
        if (Accept("("))
        {
            var inner = ParseExpr();
            Expect(")");
            return inner;
        }

        if (Accept("["))
        {
            return new CelList(at, ParseArgs("]"));
        }

        if (c is '"' or '\'')
        {
            return new CelLiteral(at, ParseString());
        }

        if (char.IsAsciiDigit(c))
        {
            return ParseNumber(at, negative: false);
        }

        if (c == '.' || char.IsAsciiLetter(c) || c == '_')
        {
            Accept(".");
            var name = ParseIdentifier();
            switch (name)
            {
                case "true": return new CelLiteral(at, CelValues.True);
                case "false": return new CelLiteral(at, CelValues.False);
                case "null": return new CelLiteral(at, null);
            }

            if (Reserved.Contains(name))
            {
                throw new CelSyntaxException($"'{name}' is a reserved word", at);
            }

            return Accept("(") ? new CelCall(at, null, name, ParseArgs(")")) : new CelIdent(at, name);
        }

        throw new CelSyntaxException($"unexpected '{c}'", _pos);
    }

    private List<CelNode> ParseArgs(string close)
    {
        var args = new List<CelNode>();
        if (Accept(close))
        {
            return args;
        }

        do
        {
            if (args.Count > 0 && close == "]" && PeekIs("]"))
            {
                break; // trailing comma in list literal
            }

            args.Add(ParseExpr());
        }
        while (Accept(","));
        Expect(close);
        return args;
    }

    private string ParseIdentifier()
    {
        SkipSpace();
        var start = _pos;
        while (_pos < _src.Length && (char.IsAsciiLetterOrDigit(_src[_pos]) || _src[_pos] == '_'))
        {
            _pos++;
        }

        if (start == _pos || char.IsAsciiDigit(_src[start]))
        {
            throw new CelSyntaxException("identifier expected", start);
        }

        return _src[start.._pos];
    }

    private CelLiteral ParseNumber(int at, bool negative)
    {
        var start = _pos;
        var isDouble = false;
        if (_src.AsSpan(_pos).StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            _pos += 2;
            var hexStart = _pos;
            while (_pos < _src.Length && char.IsAsciiHexDigit(_src[_pos]))
            {
                _pos++;
            }

            if (!long.TryParse(_src.AsSpan(hexStart, _pos - hexStart), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
            {
                throw new CelSyntaxException("bad hexadecimal literal", start);
            }

            return new CelLiteral(at, negative ? -hex : hex);
        }

        while (_pos < _src.Length && (char.IsAsciiDigit(_src[_pos]) || _src[_pos] == '.' || _src[_pos] is 'e' or 'E'
            || (_src[_pos] is '+' or '-' && _src[_pos - 1] is 'e' or 'E')))
        {
            if (_src[_pos] == '.' && (_pos + 1 >= _src.Length || !char.IsAsciiDigit(_src[_pos + 1])))
            {
                break; // a member call on a number, e.g. 1.size() is not numeric
            }

            isDouble |= _src[_pos] is '.' or 'e' or 'E';
            _pos++;
        }

        if (_pos < _src.Length && _src[_pos] is 'u' or 'U')
        {
            throw new CelSyntaxException("unsigned integers are not supported", _pos);
        }

        var text = (negative ? "-" : string.Empty) + _src[start.._pos];
        if (isDouble)
        {
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? new CelLiteral(at, d) : throw new CelSyntaxException("bad number", start);
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
            ? new CelLiteral(at, l) : throw new CelSyntaxException("integer literal out of range", start);
    }

    private string ParseString()
    {
        var quote = _src[_pos];
        var start = _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _src.Length || _src[_pos] is '\n' or '\r')
            {
                throw new CelSyntaxException("unterminated string", start);
            }

            var c = _src[_pos++];
            if (c == quote)
            {
                return sb.ToString();
            }

            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            if (_pos >= _src.Length)
            {
                throw new CelSyntaxException("unterminated string", start);
            }

            var e = _src[_pos++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'u':
                    if (_pos + 4 > _src.Length || !ushort.TryParse(_src.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var u))
                    {
                        throw new CelSyntaxException("bad \\u escape", _pos);
                    }

                    sb.Append((char)u);
                    _pos += 4;
                    break;
                default:
                    throw new CelSyntaxException($"unknown escape '\\{e}'", _pos - 1);
            }
        }
    }

    private void SkipSpace()
    {
        while (_pos < _src.Length)
        {
            if (char.IsWhiteSpace(_src[_pos]))
            {
                _pos++;
            }
            else if (_src.AsSpan(_pos).StartsWith("//", StringComparison.Ordinal))
            {
                while (_pos < _src.Length && _src[_pos] != '\n')
                {
                    _pos++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private bool PeekIs(string token)
    {
        SkipSpace();
        return _src.AsSpan(_pos).StartsWith(token, StringComparison.Ordinal);
    }

    private bool Accept(string token)
    {
        if (!PeekIs(token))
        {
            return false;
        }

        // '=' alone, '&' alone, '|' alone are not CEL operators; do not let '<' eat '<='.
        _pos += token.Length;
        return true;
    }

    private string? AcceptAny(params string[] tokens)
    {
        foreach (var t in tokens)
        {
            if (Accept(t))
            {
                return t;
            }
        }

        return null;
    }

    private bool AcceptKeyword(string word)
    {
        SkipSpace();
        if (!_src.AsSpan(_pos).StartsWith(word, StringComparison.Ordinal))
        {
            return false;
        }

        var end = _pos + word.Length;
        if (end < _src.Length && (char.IsAsciiLetterOrDigit(_src[end]) || _src[end] == '_'))
        {
            return false;
        }

        _pos = end;
        return true;
    }

    private void Expect(string token)
    {
        if (!Accept(token))
        {
            throw new CelSyntaxException($"'{token}' expected", _pos);
        }
    }
}
