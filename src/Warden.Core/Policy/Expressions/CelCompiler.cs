using System.Collections;
using System.Text.RegularExpressions;

namespace Warden.Core.Policy.Expressions;

/// <summary>
/// Compiles Warden's CEL subset to closures. Unknown variables, fields and functions, wrong arities
/// and non-literal regular expressions are rejected at compile time, so a bad policy never loads.
/// </summary>
internal static class CelCompiler
{
    public const int MaxComprehensionDepth = 8;
    private static readonly string[] TimeFunctions = ["getHours", "getMinutes", "getSeconds", "getDayOfWeek", "getFullYear", "getMonth", "getDayOfMonth", "getDate", "getDayOfYear"];

    public static CelProgram Compile(string source)
    {
        var ast = CelParser.Parse(source);
        var eval = new Scope([]).Compile(ast);
        return new CelProgram(source, eval, CelGuard.Extract(ast));
    }

    private sealed class Scope(IReadOnlyList<string> locals)
    {
        public Func<EvalContext, object?> Compile(CelNode node) => node switch
        {
            CelLiteral lit => Constant(lit.Value),
            CelIdent id => Ident(id),
            CelSelect sel => Select(sel),
            CelIndex idx => Index(idx),
            CelUnary { Op: "!" } u => Unary(CelOperators.Not, Compile(u.Operand)),
            CelUnary u => Unary(CelOperators.Negate, Compile(u.Operand)),
            CelBinary { Op: "&&" } b => And(Compile(b.Left), Compile(b.Right)),
            CelBinary { Op: "||" } b => Or(Compile(b.Left), Compile(b.Right)),
            CelBinary { Op: "==" or "!=", Right: CelLiteral { Value: string lit } } b => StringEquals(Compile(b.Left), lit, b.Op == "=="),
            CelBinary { Op: "==" or "!=", Left: CelLiteral { Value: string lit } } b => StringEquals(Compile(b.Right), lit, b.Op == "=="),
            CelBinary b => Binary(b.Op, Compile(b.Left), Compile(b.Right)),
            CelConditional c => Conditional(Compile(c.Condition), Compile(c.Then), Compile(c.Else)),
            CelList l => ListLiteral(l.Items.Select(Compile).ToArray()),
            CelCall call => Call(call),
            _ => throw new CelSyntaxException("unsupported expression", node.Position),
        };

        private static Func<EvalContext, object?> Constant(object? value) => _ => value;

        private static Func<EvalContext, object?> Unary(Func<object?, object?> op, Func<EvalContext, object?> operand) => c => op(operand(c));

        private static Func<EvalContext, object?> Binary(string op, Func<EvalContext, object?> l, Func<EvalContext, object?> r) =>
            op switch
            {
                "==" => c => Eq(l(c), r(c)),
                "!=" => c => Ne(l(c), r(c)),
                _ => c => CelOperators.Binary(op, l(c), r(c)),
            };

        // The commonest condition shape (field == 'literal'): one type test and one ordinal compare.
        private static Func<EvalContext, object?> StringEquals(Func<EvalContext, object?> operand, string literal, bool equal) => c =>
            operand(c) switch
            {
                string s => CelValues.Bool(string.Equals(s, literal, StringComparison.Ordinal) == equal),
                CelError e => e,
                _ => CelValues.Bool(!equal),
            };

        private static object? Eq(object? a, object? b) =>
            a is CelError ? a : b is CelError ? b : CelValues.Bool(CelValues.Equal(a, b));

        private static object? Ne(object? a, object? b) =>
            a is CelError ? a : b is CelError ? b : CelValues.Bool(!CelValues.Equal(a, b));

        // CEL's commutative logic: false && error == false; true || error == true.
        private static Func<EvalContext, object?> And(Func<EvalContext, object?> l, Func<EvalContext, object?> r) => c =>
        {
            var a = l(c);
            if (a is false)
            {
                return CelValues.False;
            }

            var b = r(c);
            if (b is false)
            {
                return CelValues.False;
            }

            return a is true && b is true ? CelValues.True : Bad(a, b, "&&");
        };

        private static Func<EvalContext, object?> Or(Func<EvalContext, object?> l, Func<EvalContext, object?> r) => c =>
        {
            var a = l(c);
            if (a is true)
            {
                return CelValues.True;
            }

            var b = r(c);
            if (b is true)
            {
                return CelValues.True;
            }

            return a is false && b is false ? CelValues.False : Bad(a, b, "||");
        };

        private static object Bad(object? a, object? b, string op) =>
            a as CelError ?? b as CelError ?? CelValues.NoOverload(op, a, b);

        private static Func<EvalContext, object?> Conditional(Func<EvalContext, object?> cond, Func<EvalContext, object?> then, Func<EvalContext, object?> otherwise) => c =>
            cond(c) switch
            {
                true => then(c),
                false => otherwise(c),
                CelError e => e,
                var v => new CelError($"condition of ?: is {CelValues.TypeName(v)}, not bool"),
            };

        private static Func<EvalContext, object?> ListLiteral(Func<EvalContext, object?>[] items)
        {
            if (items.Length == 0)
            {
                var empty = Array.Empty<object?>();
                return _ => empty;
            }

            return c =>
            {
                var values = new object?[items.Length];
                for (var i = 0; i < items.Length; i++)
                {
                    values[i] = items[i](c);
                    if (values[i] is CelError)
                    {
                        return values[i];
                    }
                }

                return values;
            };
        }

        private Func<EvalContext, object?> Ident(CelIdent id)
        {
            var slot = IndexOfLocal(id.Name);
            if (slot >= 0)
            {
                return c => c.Locals[slot];
            }

            if (CelVariables.Values.TryGetValue(id.Name, out var value))
            {
                return value;
            }

            if (CelVariables.Roots.ContainsKey(id.Name))
            {
                throw new CelSyntaxException($"'{id.Name}' must be followed by a field, e.g. {id.Name}.id", id.Position);
            }

            throw new CelSyntaxException(
                $"unknown variable '{id.Name}' (known: {string.Join(", ", CelVariables.Roots.Keys.Concat(CelVariables.Values.Keys))})", id.Position);
        }

        private Func<EvalContext, object?> Select(CelSelect sel)
        {
            if (sel.Operand is CelIdent root && IndexOfLocal(root.Name) < 0 && CelVariables.Roots.TryGetValue(root.Name, out var fields))
            {
                return fields.TryGetValue(sel.Field, out var accessor)
                    ? accessor
                    : throw new CelSyntaxException($"unknown field '{root.Name}.{sel.Field}' (known: {string.Join(", ", fields.Keys)})", sel.Position);
            }

            var operand = Compile(sel.Operand);
            var field = sel.Field;
            return c => operand(c) switch
            {
                IReadOnlyDictionary<string, string> map => map.TryGetValue(field, out var v) ? v : new CelError($"no such key: {field}"),
                CelError e => e,
                var v => new CelError($"no such field '{field}' on {CelValues.TypeName(v)}"),
            };
        }

        private Func<EvalContext, object?> Index(CelIndex idx)
        {
            var operand = Compile(idx.Operand);
            var key = Compile(idx.Key);
            return c => (operand(c), key(c)) switch
            {
                (CelError e, _) => e,
                (_, CelError e) => e,
                (IReadOnlyDictionary<string, string> map, string k) => map.TryGetValue(k, out var v) ? v : new CelError($"no such key: {k}"),
                (IList list, long i) => i >= 0 && i < list.Count ? list[(int)i] : new CelError($"index {i} out of range"),
                var (a, b) => CelValues.NoOverload("[]", a, b),
            };
        }

        private Func<EvalContext, object?> Call(CelCall call)
        {
            var fn = call.Function;
            var n = call.Args.Count;
            if (call.Target is null)
            {
                switch (fn, n)
                {
                    case ("has", 1): return Has(call.Args[0]);
                    case ("size", 1): return Unary(CelFunctions.Size, Compile(call.Args[0]));
                    case ("int", 1): return Unary(CelFunctions.ToInt, Compile(call.Args[0]));
                    case ("double", 1): return Unary(CelFunctions.ToDouble, Compile(call.Args[0]));
                    case ("string", 1): return Unary(CelFunctions.ToStringValue, Compile(call.Args[0]));
                    case ("timestamp", 1): return Folded(CelFunctions.Timestamp, call.Args[0]);
                    case ("duration", 1): return Folded(CelFunctions.Duration, call.Args[0]);
                    case ("matches", 2): return Matches(Compile(call.Args[0]), call.Args[1]);
                }

                throw new CelSyntaxException($"unknown function {fn}/{n}", call.Position);
            }

            if (fn is "exists" or "all" or "exists_one" && n == 2)
            {
                return Comprehension(fn, call);
            }

            var target = Compile(call.Target);
            switch (fn, n)
            {
                case ("size", 0): return Unary(CelFunctions.Size, target);
                case ("startsWith" or "endsWith" or "contains", 1):
                    var arg = Compile(call.Args[0]);
                    return c => CelFunctions.StringTest(fn, target(c), arg(c));
                case ("matches", 1): return Matches(target, call.Args[0]);
            }

            if (TimeFunctions.Contains(fn) && n <= 1)
            {
                TimeZoneInfo? zone = null;
                if (n == 1)
                {
                    if (call.Args[0] is not CelLiteral { Value: string tz })
                    {
                        throw new CelSyntaxException($"{fn}() takes a literal time zone name", call.Position);
                    }

                    try
                    {
                        zone = TimeZoneInfo.FindSystemTimeZoneById(tz);
                    }
                    catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
                    {
                        throw new CelSyntaxException($"unknown time zone '{tz}'", call.Position);
                    }
                }

                return c => CelFunctions.TimePart(fn, target(c), zone);
            }

            throw new CelSyntaxException($"unknown method .{fn}/{n}", call.Position);
        }

        private Func<EvalContext, object?> Folded(Func<object?, object?> fn, CelNode arg)
        {
            if (arg is CelLiteral lit)
            {
                var v = fn(lit.Value);
                return v is CelError e ? throw new CelSyntaxException(e.Message, arg.Position) : Constant(v);
            }

            return Unary(fn, Compile(arg));
        }

        private static Func<EvalContext, object?> Matches(Func<EvalContext, object?> target, CelNode pattern)
        {
            if (pattern is not CelLiteral { Value: string re })
            {
                throw new CelSyntaxException("matches() takes a literal pattern", pattern.Position);
            }

            Regex regex;
            try
            {
                // NonBacktracking is linear in the input: no timeout needed (a timeout would make decisions depend on load).
                regex = new Regex(re, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, Regex.InfiniteMatchTimeout);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                throw new CelSyntaxException($"bad pattern: {ex.Message}", pattern.Position);
            }

            return c => target(c) switch
            {
                string s => CelValues.Bool(regex.IsMatch(s)),
                CelError e => e,
                var v => new CelError($"no such overload: {CelValues.TypeName(v)}.matches()"),
            };
        }

        private Func<EvalContext, object?> Has(CelNode arg)
        {
            if (arg is not CelSelect sel)
            {
                throw new CelSyntaxException("has() takes a field selection, e.g. has(request.env)", arg.Position);
            }

            if (sel.Operand is CelIdent root && IndexOfLocal(root.Name) < 0 && CelVariables.Roots.ContainsKey(root.Name))
            {
                var field = Select(sel);
                return c => field(c) switch
                {
                    null => CelValues.False,
                    IList { Count: 0 } => CelValues.False,
                    _ => CelValues.True,
                };
            }

            var operand = Compile(sel.Operand);
            var name = sel.Field;
            return c => operand(c) switch
            {
                IReadOnlyDictionary<string, string> map => CelValues.Bool(map.ContainsKey(name)),
                CelError e => e,
                var v => new CelError($"has() on {CelValues.TypeName(v)}"),
            };
        }

        private Func<EvalContext, object?> Comprehension(string fn, CelCall call)
        {
            if (call.Args[0] is not CelIdent variable || CelVariables.Roots.ContainsKey(variable.Name) || CelVariables.Values.ContainsKey(variable.Name))
            {
                throw new CelSyntaxException($"{fn}() needs a new variable name as its first argument", call.Position);
            }

            if (locals.Count >= MaxComprehensionDepth)
            {
                throw new CelSyntaxException("comprehensions are nested too deeply", call.Position);
            }

            var slot = locals.Count;
            var range = Compile(call.Target!);
            var predicate = new Scope([.. locals, variable.Name]).Compile(call.Args[1]);
            return c =>
            {
                var r = range(c);
                IEnumerable items = r switch
                {
                    IReadOnlyDictionary<string, string> map => map.Keys,
                    IList list => list,
                    _ => Array.Empty<object>(),
                };
                if (r is CelError)
                {
                    return r;
                }

                if (r is not (IList or IReadOnlyDictionary<string, string>))
                {
                    return new CelError($"{fn}() over {CelValues.TypeName(r)}");
                }

                var count = 0L;
                CelError? error = null;
                foreach (var item in items)
                {
                    c.Locals[slot] = item;
                    switch (predicate(c))
                    {
                        case true when fn == "exists": return CelValues.True;
                        case false when fn == "all": return CelValues.False;
                        case true: count++; break;
                        case false: break;
                        case CelError e: error ??= e; break;
                        case var v: error ??= new CelError($"{fn}() predicate returned {CelValues.TypeName(v)}"); break;
                    }
                }

                if (error is not null)
                {
                    return error;
                }

                return fn switch
                {
                    "exists" => CelValues.False,
                    "all" => CelValues.True,
                    _ => CelValues.Bool(count == 1),
                };
            };
        }

        private int IndexOfLocal(string name)
        {
            for (var i = locals.Count - 1; i >= 0; i--)
            {
                if (string.Equals(locals[i], name, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
