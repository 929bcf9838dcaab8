using System.Text.RegularExpressions;
using YamlDotNet.Core;

namespace Warden.Core.Policy;

/// <summary>
/// Says what is wrong with a policy file in the file's own terms. YamlDotNet's messages name .NET types
/// (<c>Invalid cast from 'System.String' to 'System.Collections.Generic.List`1[[Warden.Core.Policy…]]'</c>), which tell
/// an operator nothing and leak internals through the admin API; the few shapes a policy document has are named here.
/// Syntax errors (the parser's own messages) pass through unchanged.
/// </summary>
internal static partial class PolicyYamlError
{
    public static string Describe(YamlException exception)
    {
        var message = FirstLine(exception.InnerException?.Message ?? exception.Message);
        if (UnknownProperty().Match(message) is { Success: true } p)
        {
            return p.Groups["type"].Value.EndsWith(".PolicyDocument", StringComparison.Ordinal)
                ? $"unknown key '{p.Groups["name"].Value}' (a policy file has 'version' and 'rules')"
                : $"unknown key '{p.Groups["name"].Value}' in a rule (see docs/policy.md for the keys of a rule)";
        }

        if (InvalidCast().Match(message) is { Success: true } c)
        {
            return "expected " + Shape(c.Groups["type"].Value) + ", found a single value";
        }

        if (NoDeserializer().Match(message) is { Success: true } n)
        {
            return "expected " + Shape(n.Groups["type"].Value);
        }

        if (exception.InnerException is FormatException or OverflowException)
        {
            return "expected a whole number";
        }

        return message;
    }

    /// <summary>The YAML shape of one of the policy document's .NET types.</summary>
    private static string Shape(string type) => type switch
    {
        _ when type.StartsWith("System.Collections.Generic.List`1[[Warden.Core.Policy.PolicyRuleDocument", StringComparison.Ordinal)
            => "a list of rules",
        _ when type.StartsWith("System.Collections.Generic.List`1[[System.String", StringComparison.Ordinal) => "a list of strings",
        _ when type.StartsWith("Warden.Core.Policy.PolicyDocument", StringComparison.Ordinal)
            => "a policy document (a mapping with 'version' and 'rules')",
        _ when type.StartsWith("Warden.Core.Policy.PolicyRuleDocument", StringComparison.Ordinal) => "a rule (a mapping of keys)",
        _ when type.StartsWith("System.String", StringComparison.Ordinal) => "a single value (a string)",
        _ when type.StartsWith("System.Int32", StringComparison.Ordinal) => "a whole number",
        _ when type.StartsWith("System.Boolean", StringComparison.Ordinal) => "true or false",
        _ => "a different kind of value",
    };

    private static string FirstLine(string s)
    {
        var i = s.IndexOfAny(['\r', '\n']);
        return i < 0 ? s : s[..i];
    }

    [GeneratedRegex(@"^Property '(?<name>[^']{0,200})' not found on type '(?<type>[^']{1,300})'", RegexOptions.NonBacktracking)]
    private static partial Regex UnknownProperty();

    [GeneratedRegex(@"^Invalid cast from '[^']{1,300}' to '(?<type>[^']{1,600})'", RegexOptions.NonBacktracking)]
    private static partial Regex InvalidCast();

    [GeneratedRegex(@"^No node deserializer was able to deserialize the node into type (?<type>\S{1,600})", RegexOptions.NonBacktracking)]
    private static partial Regex NoDeserializer();
}
