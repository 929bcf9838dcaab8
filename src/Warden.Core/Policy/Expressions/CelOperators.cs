using System.Collections;

namespace Warden.Core.Policy.Expressions;

/// <summary>CEL operator semantics over <see cref="CelValues"/>: checked integer arithmetic, errors as values.</summary>
internal static class CelOperators
{
    public static object? Not(object? v) => v switch
    {
        bool b => CelValues.Bool(!b),
        CelError => v,
        _ => new CelError($"no such overload: !{CelValues.TypeName(v)}"),
    };

    public static object? Negate(object? v) => v switch
    {
        long l when l != long.MinValue => -l,
        long => new CelError("integer overflow"),
        double d => -d,
        TimeSpan t => -t,
        CelError => v,
        _ => new CelError($"no such overload: -{CelValues.TypeName(v)}"),
    };

    public static object? Binary(string op, object? a, object? b)
    {
        if (a is CelError)
        {
            return a;
        }

        if (b is CelError)
        {
            return b;
        }

        switch (op)
        {
            case "==": return CelValues.Bool(CelValues.Equal(a, b));
            case "!=": return CelValues.Bool(!CelValues.Equal(a, b));
            case "<":
            case "<=":
            case ">":
            case ">=":
                var c = CelValues.Compare(a, b);
                if (c is not { } cmp)
                {
                    return CelValues.NoOverload(op, a, b);
                }

                return CelValues.Bool(op switch { "<" => cmp < 0, "<=" => cmp <= 0, ">" => cmp > 0, _ => cmp >= 0 });
            case "in": return In(a, b);
            case "+": return Add(a, b);
            case "-": return Subtract(a, b);
            default: return Multiply(op, a, b);
        }
    }

    private static object? In(object? a, object? b)
    {
        switch (b)
        {
            case IReadOnlyDictionary<string, string> map:
                return a is string key ? CelValues.Bool(map.ContainsKey(key)) : CelValues.False;
            case IList list:
                for (var i = 0; i < list.Count; i++)
                {
                    if (CelValues.Equal(a, list[i]))
                    {
                        return CelValues.True;
                    }
                }

                return CelValues.False;
            default:
                return CelValues.NoOverload("in", a, b);
        }
    }

    private static object? Add(object? a, object? b)
    {
        try
        {
            return (a, b) switch
            {
                (long x, long y) => checked(x + y),
                (double x, double y) => x + y,
                (string x, string y) => x + y,
                (DateTimeOffset t, TimeSpan d) => t + d,
                (TimeSpan d, DateTimeOffset t) => t + d,
                (TimeSpan x, TimeSpan y) => x + y,
                (IList x, IList y) => x.Cast<object?>().Concat(y.Cast<object?>()).ToArray(),
                _ => CelValues.NoOverload("+", a, b),
            };
        }
        catch (Exception ex) when (ex is OverflowException or ArgumentOutOfRangeException)
        {
            return new CelError("overflow in +");
        }
    }

    private static object? Subtract(object? a, object? b)
    {
        try
        {
            return (a, b) switch
            {
                (long x, long y) => checked(x - y),
                (double x, double y) => x - y,
                (DateTimeOffset x, DateTimeOffset y) => x - y,
                (DateTimeOffset t, TimeSpan d) => t - d,
                (TimeSpan x, TimeSpan y) => x - y,
                _ => CelValues.NoOverload("-", a, b),
            };
        }
        catch (Exception ex) when (ex is OverflowException or ArgumentOutOfRangeException)
        {
            return new CelError("overflow in -");
        }
    }

    private static object? Multiply(string op, object? a, object? b)
    {
        try
        {
            return (op, a, b) switch
            {
                ("*", long x, long y) => checked(x * y),
                ("*", double x, double y) => x * y,
                ("/", long, 0L) => new CelError("division by zero"),
                ("/", long x, long y) => x == long.MinValue && y == -1 ? new CelError("integer overflow") : x / y,
                ("/", double x, double y) => x / y,
                ("%", long, 0L) => new CelError("modulus by zero"),
                ("%", long x, long y) => y == -1 ? 0L : x % y,
                _ => CelValues.NoOverload(op, a, b),
            };
        }
        catch (OverflowException)
        {
            return new CelError("integer overflow");
        }
    }
}
