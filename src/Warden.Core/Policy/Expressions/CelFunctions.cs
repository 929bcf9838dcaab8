using System.Collections;
using System.Globalization;

namespace Warden.Core.Policy.Expressions;

/// <summary>The standard CEL functions Warden supports (see docs/policy.md for the list).</summary>
internal static class CelFunctions
{
    public static object? Size(object? v) => v switch
    {
        string s => (long)s.EnumerateRunes().Count(),
        IReadOnlyDictionary<string, string> m => (long)m.Count,
        IList l => (long)l.Count,
        CelError => v,
        _ => new CelError($"no such overload: size({CelValues.TypeName(v)})"),
    };

    public static object? StringTest(string fn, object? target, object? arg) => (target, arg) switch
    {
        (CelError, _) => target,
        (_, CelError) => arg,
        (string s, string a) => CelValues.Bool(fn switch
        {
            "startsWith" => s.StartsWith(a, StringComparison.Ordinal),
            "endsWith" => s.EndsWith(a, StringComparison.Ordinal),
            _ => s.Contains(a, StringComparison.Ordinal),
        }),
        _ => new CelError($"no such overload: {CelValues.TypeName(target)}.{fn}({CelValues.TypeName(arg)})"),
    };

    public static object? ToInt(object? v)
    {
        switch (v)
        {
            case long: return v;
            case double d when d is >= -9.2233720368547758E18 and < 9.2233720368547758E18: return (long)d;
            case string s when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l): return l;
            case DateTimeOffset t: return t.ToUnixTimeSeconds();
            case CelError: return v;
            default: return new CelError($"cannot convert {CelValues.TypeName(v)} to int");
        }
    }

    public static object? ToDouble(object? v) => v switch
    {
        double => v,
        long l => (double)l,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        CelError => v,
        _ => new CelError($"cannot convert {CelValues.TypeName(v)} to double"),
    };

    public static object? ToStringValue(object? v) => v switch
    {
        CelError => v,
        IList or IReadOnlyDictionary<string, string> => new CelError($"cannot convert {CelValues.TypeName(v)} to string"),
        _ => CelValues.Format(v),
    };

    public static object? Timestamp(object? v) => v switch
    {
        string s when DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) => t.ToUniversalTime(),
        DateTimeOffset => v,
        CelError => v,
        _ => new CelError("timestamp() needs an RFC 3339 string"),
    };

    public static object? Duration(object? v) => v switch
    {
        string s when TryParseDuration(s, out var d) => d,
        TimeSpan => v,
        CelError => v,
        _ => new CelError("duration() needs a string like \"1h30m\" or \"90s\""),
    };

    /// <summary>CEL/Go duration text: optional sign, then number+unit pairs (h, m, s, ms, us, ns).</summary>
    public static bool TryParseDuration(string s, out TimeSpan result)
    {
        result = TimeSpan.Zero;
        var span = s.AsSpan();
        var negative = span.StartsWith("-");
        if (negative)
        {
            span = span[1..];
        }

        if (span.IsEmpty)
        {
            return false;
        }

        double ticks = 0;
        while (!span.IsEmpty)
        {
            var i = 0;
            while (i < span.Length && (char.IsAsciiDigit(span[i]) || span[i] == '.'))
            {
                i++;
            }

            if (i == 0 || !double.TryParse(span[..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
            {
                return false;
            }

            span = span[i..];
            var j = 0;
            while (j < span.Length && char.IsAsciiLetter(span[j]))
            {
                j++;
            }

            double unit = span[..j] switch
            {
                "h" => TimeSpan.TicksPerHour,
                "m" => TimeSpan.TicksPerMinute,
                "s" => TimeSpan.TicksPerSecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "us" => 10,
                "ns" => 0.01,
                _ => -1,
            };
            if (unit < 0)
            {
                return false;
            }

            ticks += n * unit;
            span = span[j..];
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        result = TimeSpan.FromTicks((long)(negative ? -ticks : ticks));
        return true;
    }

    public static object? TimePart(string fn, object? target, TimeZoneInfo? zone)
    {
        if (target is CelError)
        {
            return target;
        }

        if (target is not DateTimeOffset t)
        {
            return new CelError($"no such overload: {CelValues.TypeName(target)}.{fn}()");
        }

        var local = zone is null ? t.UtcDateTime : TimeZoneInfo.ConvertTime(t, zone).DateTime;
        return fn switch
        {
            "getHours" => (long)local.Hour,
            "getMinutes" => (long)local.Minute,
            "getSeconds" => (long)local.Second,
            "getDayOfWeek" => (long)(int)local.DayOfWeek,
            "getFullYear" => (long)local.Year,
            "getMonth" => (long)(local.Month - 1),
            "getDayOfMonth" => (long)(local.Day - 1),
            "getDate" => (long)local.Day,
            _ => (long)(local.DayOfYear - 1), // getDayOfYear
        };
    }
}
