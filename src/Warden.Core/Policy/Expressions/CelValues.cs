using System.Collections;
using System.Globalization;

namespace Warden.Core.Policy.Expressions;

/// <summary>
/// Runtime values: null, bool (boxed singletons), long, double, string, <see cref="DateTimeOffset"/> (timestamp),
/// <see cref="TimeSpan"/> (duration), <see cref="IList"/> (list), <see cref="IReadOnlyDictionary{TKey,TValue}"/> of string (map),
/// <see cref="CelError"/>.
/// </summary>
internal static class CelValues
{
    public static readonly object True = true;
    public static readonly object False = false;

    public static object Bool(bool b) => b ? True : False;

    public static string TypeName(object? v) => v switch
    {
        null => "null",
        bool => "bool",
        long => "int",
        double => "double",
        string => "string",
        DateTimeOffset => "timestamp",
        TimeSpan => "duration",
        IReadOnlyDictionary<string, string> => "map",
        IList => "list",
        CelError => "error",
        _ => v.GetType().Name,
    };

    public static object NoOverload(string op, object? a, object? b) =>
        new CelError($"no such overload: {TypeName(a)} {op} {TypeName(b)}");

    /// <summary>CEL equality: heterogeneous values are unequal; numbers compare across int/double.</summary>
    public static bool Equal(object? a, object? b)
    {
        switch (a)
        {
            case null: return b is null;
            case string sa: return b is string sb && string.Equals(sa, sb, StringComparison.Ordinal);
            case bool ba: return b is bool bb && ba == bb;
            case long la: return b switch { long lb => la == lb, double db => la == db, _ => false };
            case double da: return b switch { double db => da == db, long lb => da == lb, _ => false };
            case DateTimeOffset ta: return b is DateTimeOffset tb && ta == tb;
            case TimeSpan xa: return b is TimeSpan xb && xa == xb;
            case IList la when b is IList lb:
                if (la.Count != lb.Count)
                {
                    return false;
                }

                for (var i = 0; i < la.Count; i++)
                {
                    if (!Equal(la[i], lb[i]))
                    {
                        return false;
                    }
                }

                return true;
            default: return false;
        }
    }

    /// <summary>Ordering; null when the values cannot be ordered.</summary>
    public static int? Compare(object? a, object? b) => (a, b) switch
    {
        (long x, long y) => x.CompareTo(y),
        (double x, double y) => double.IsNaN(x) || double.IsNaN(y) ? null : x.CompareTo(y),
        (long x, double y) => double.IsNaN(y) ? null : ((double)x).CompareTo(y),
        (double x, long y) => double.IsNaN(x) ? null : x.CompareTo(y),
        (string x, string y) => string.CompareOrdinal(x, y),
        (DateTimeOffset x, DateTimeOffset y) => x.CompareTo(y),
        (TimeSpan x, TimeSpan y) => x.CompareTo(y),
        (bool x, bool y) => x.CompareTo(y),
        _ => null,
    };

    public static string Format(object? v) => v switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s => s,
        DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
        TimeSpan d => d.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s",
        _ => TypeName(v),
    };
}
