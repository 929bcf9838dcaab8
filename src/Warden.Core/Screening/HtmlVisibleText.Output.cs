namespace Warden.Core.Screening;

/// <summary>Output: visible text to the reader's buffer, hidden text to the bounded side buffer for screening.</summary>
internal sealed partial class HtmlVisibleText
{
    private void EmitChar(char c)
    {
        if (Hidden)
        {
            if (_hidden.Length < _findings.Options.MaxPayloadChars)
            {
                _hidden.Append(c);
            }

            return;
        }

        if (_markdown)
        {
            _out.Append(c);
            return;
        }

        if (char.IsWhiteSpace(c) || c == '\u00A0')
        {
            if (_out.Length > 0 && _out[^1] is not (' ' or '\n'))
            {
                _out.Append(' ');
            }

            return;
        }

        _out.Append(c);
    }

    /// <summary>Emits characters that are neither whitespace nor markup: the same as <see cref="EmitChar"/> on each.</summary>
    private void EmitRun(ReadOnlySpan<char> run)
    {
        if (Hidden)
        {
            var room = _findings.Options.MaxPayloadChars - _hidden.Length;
            if (room > 0)
            {
                _hidden.Append(run[..Math.Min(room, run.Length)]);
            }

            return;
        }

        _out.Append(run);
    }

    private void Append(string text)
    {
        if (!Hidden)
        {
            _out.Append(text);
        }
    }

    private void Append(ReadOnlySpan<char> text)
    {
        if (!Hidden)
        {
            _out.Append(text);
        }
    }

    private void Newline()
    {
        if (_markdown || Hidden || _out.Length == 0)
        {
            return;
        }

        if (_out[^1] == ' ')
        {
            _out.Length--;
        }

        if (_out.Length > 0 && _out[^1] != '\n')
        {
            _out.Append('\n');
        }
    }

    private void FlushHidden()
    {
        if (_hidden.Length > 0)
        {
            _findings.AddPayload(_hiddenKind, _hidden.ToString());
            _hidden.Clear();
        }
    }
}
