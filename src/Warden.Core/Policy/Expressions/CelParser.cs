namespace Warden.Core.Policy.Expressions;

/// <summary>
/// Recursive-descent parser for Warden's CEL subset (see docs/policy.md). Bounded: at most
/// <see cref="MaxLength"/> characters and <see cref="MaxDepth"/> levels of nesting.
/// </summary>
internal sealed partial class CelParser
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
}
