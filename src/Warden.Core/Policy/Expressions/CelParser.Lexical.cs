using System.Globalization;
using System.Text;

namespace Warden.Core.Policy.Expressions;

/// <summary>The lexical layer: identifiers, numbers, strings, white space and tokens.</summary>
internal sealed partial class CelParser
{
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
