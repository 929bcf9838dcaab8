namespace Warden.Core.Detection.Recognizers;

/// <summary>The parser of <see cref="DigitPatternNfa"/>'s regex subset, and the tree it builds.</summary>
internal sealed partial class DigitPatternNfa
{
    /// <summary>The parsed pattern.</summary>
    private abstract record Node
    {
        public sealed record Digits(ushort Mask) : Node;

        public sealed record Sequence(List<Node> Parts) : Node;

        public sealed record Alternation(List<Node> Branches) : Node;

        public sealed record Repeat(Node Body, int Min, int Max) : Node;
    }

    /// <summary>Recursive descent over the supported subset; throws <see cref="NotSupportedException"/> on anything else.</summary>
    private ref struct Parser(string pattern)
    {
        /// <summary>Copies of a repeated part are emitted one by one: larger counts are not libphonenumber's and are refused.</summary>
        private const int MaxCount = 20;

        private readonly string _p = pattern;
        private int _i;

        public Node ParseAll()
        {
            var node = ParseAlternation();
            if (_i != _p.Length)
            {
                throw new NotSupportedException("unexpected character at " + _i);
            }

            return node;
        }

        private Node ParseAlternation()
        {
            var branches = new List<Node> { ParseSequence() };
            while (_i < _p.Length && _p[_i] == '|')
            {
                _i++;
                branches.Add(ParseSequence());
            }

            return branches.Count == 1 ? branches[0] : new Node.Alternation(branches);
        }

        private Node.Sequence ParseSequence()
        {
            var parts = new List<Node>();
            while (_i < _p.Length && _p[_i] is not ('|' or ')'))
            {
                var atom = ParseAtom();
                parts.Add(ParseQuantifier(atom));
            }

            return new Node.Sequence(parts);
        }

        private Node ParseAtom()
        {
            var c = _p[_i];
            if (char.IsAsciiDigit(c))
            {
                _i++;
                return new Node.Digits((ushort)(1 << (c - '0')));
            }

            if (c == '\\' && _i + 1 < _p.Length && _p[_i + 1] == 'd')
            {
                _i += 2;
                return new Node.Digits(0x3FF);
            }

            if (c == '[')
            {
                return ParseClass();
            }

            if (c == '(' && _i + 2 < _p.Length && _p[_i + 1] == '?' && _p[_i + 2] == ':')
            {
                _i += 3;
                var inner = ParseAlternation();
                if (_i >= _p.Length || _p[_i] != ')')
                {
                    throw new NotSupportedException("unclosed group");
                }

                _i++;
                return inner;
            }

            throw new NotSupportedException("unsupported construct at " + _i);
        }

        private Node.Digits ParseClass()
        {
            _i++; // '['
            ushort mask = 0;
            var any = false;
            while (_i < _p.Length && _p[_i] != ']')
            {
                var lo = _p[_i];
                if (lo == '\\' && _i + 1 < _p.Length && _p[_i + 1] == 'd')
                {
                    mask |= 0x3FF;
                    _i += 2;
                    any = true;
                    continue;
                }

                if (!char.IsAsciiDigit(lo))
                {
                    throw new NotSupportedException("unsupported class member at " + _i);
                }

                var hi = lo;
                if (_i + 2 < _p.Length && _p[_i + 1] == '-' && _p[_i + 2] != ']')
                {
                    hi = _p[_i + 2];
                    if (!char.IsAsciiDigit(hi) || hi < lo)
                    {
                        throw new NotSupportedException("unsupported range at " + _i);
                    }

                    _i += 3;
                }
                else
                {
                    _i++;
                }

                for (var d = lo; d <= hi; d++)
                {
                    mask |= (ushort)(1 << (d - '0'));
                }

                any = true;
            }

            if (_i >= _p.Length || !any)
            {
                throw new NotSupportedException("unclosed or empty class");
            }

            _i++; // ']'
            return new Node.Digits(mask);
        }

        private Node ParseQuantifier(Node atom)
        {
            if (_i >= _p.Length)
            {
                return atom;
            }

            Node result;
            if (_p[_i] == '?')
            {
                _i++;
                result = new Node.Repeat(atom, 0, 1);
            }
            else if (_p[_i] == '{')
            {
                var close = _p.IndexOf('}', _i);
                if (close < 0)
                {
                    throw new NotSupportedException("unclosed count");
                }

                var body = _p.AsSpan(_i + 1, close - _i - 1);
                var comma = body.IndexOf(',');
                var min = Count(comma < 0 ? body : body[..comma]);
                var max = comma < 0 ? min : Count(body[(comma + 1)..]);
                if (max < min)
                {
                    throw new NotSupportedException("bad count");
                }

                _i = close + 1;
                result = new Node.Repeat(atom, min, max);
            }
            else
            {
                return atom;
            }

            if (_i < _p.Length && _p[_i] is '?' or '+' or '*' or '{')
            {
                throw new NotSupportedException("stacked or lazy quantifier at " + _i);
            }

            return result;
        }

        private static int Count(ReadOnlySpan<char> digits)
        {
            if (digits.IsEmpty || digits.Length > 2 || digits.ContainsAnyExceptInRange('0', '9'))
            {
                throw new NotSupportedException("unsupported count");
            }

            var n = int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
            return n <= MaxCount ? n : throw new NotSupportedException("count too large");
        }
    }
}
