using System.Security.Cryptography;
using System.Text;
using Warden.Core.Policy.Expressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Warden.Core.Policy;

/// <summary>
/// Parses and validates policy YAML. A policy is validated whole: any error in any file rejects all of it,
/// with every error listed, so a reload never leaves a half-applied policy.
/// </summary>
public static class PolicyLoader
{
    /// <summary>Largest accepted policy source (1 MiB).</summary>
    public const int MaxSourceBytes = 1 << 20;

    /// <summary>Most rules in one policy.</summary>
    public const int MaxRules = 20_000;

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .WithMaximumRecursion(16)
        .Build();

    /// <summary>Loads one YAML text.</summary>
    public static PolicySet Parse(string yaml, string source = "policy") => Load([(source, yaml)]);

    /// <summary>Loads every YAML source in order (files, then API rules). Throws <see cref="PolicyValidationException"/>.</summary>
    public static PolicySet Load(IEnumerable<(string Source, string Yaml)> sources) => Load(sources, []);

    /// <summary>
    /// Loads the YAML files, then the rules kept in the store (source <c>api</c>), validated whole together: any error
    /// in either rejects all of it. Throws <see cref="PolicyValidationException"/> listing every error.
    /// </summary>
    public static PolicySet Load(IEnumerable<(string Source, string Yaml)> sources, IReadOnlyList<PolicyRuleDefinition> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(sources);
        var errors = new List<string>();
        var rules = new List<PolicyRule>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (source, text) in sources)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(source + "\n" + text + "\n"));
            if (Encoding.UTF8.GetByteCount(text) > MaxSourceBytes)
            {
                errors.Add($"{source}: larger than {MaxSourceBytes} bytes");
                continue;
            }

            PolicyDocument? doc;
            try
            {
                doc = Yaml.Deserialize<PolicyDocument?>(text);
            }
            catch (YamlException ex)
            {
                errors.Add($"{source}: line {ex.Start.Line}: {PolicyYamlError.Describe(ex)}");
                continue;
            }

            if (doc is null)
            {
                continue; // an empty file has no rules
            }

            if (doc.Version != 1)
            {
                errors.Add($"{source}: unsupported version {doc.Version} (expected 1)");
                continue;
            }

            foreach (var (r, i) in (doc.Rules ?? []).Select((r, i) => (r, i)))
            {
                var rule = Validate(r, source, i, rules.Count, ids, errors);
                if (rule is not null)
                {
                    rules.Add(rule);
                }
            }
        }

        foreach (var (d, i) in stored.Select((d, i) => (d, i)))
        {
            hash.AppendData(Encoding.UTF8.GetBytes("api\n" + PolicyRuleJson.Serialize(d) + "\n"));
            var rule = Validate(ToDocument(d), ApiSource, i, rules.Count, ids, errors);
            if (rule is not null)
            {
                rules.Add(rule);
            }
        }

        if (rules.Count > MaxRules)
        {
            errors.Add($"more than {MaxRules} rules");
        }

        if (errors.Count > 0)
        {
            throw new PolicyValidationException(errors);
        }

        return new PolicySet(rules, Convert.ToHexString(hash.GetHashAndReset().AsSpan(0, 6)).ToLowerInvariant());
    }

    /// <summary>The source name of rules from the admin API.</summary>
    public const string ApiSource = "api";

    private static PolicyRuleDocument ToDocument(PolicyRuleDefinition d) => new()
    {
        Id = d.Id,
        Description = d.Description,
        Effect = d.Effect,
        Actions = d.Actions?.ToList(),
        When = d.When,
        Redact = d.Redact?.ToList(),
        AuditFailure = d.AuditFailure,
        CaptureContent = d.CaptureContent,
    };

    private static PolicyRule? Validate(PolicyRuleDocument? r, string source, int index, int order, HashSet<string> ids, List<string> errors)
    {
        if (r is null)
        {
            errors.Add($"{source}: rule #{index + 1} is empty");
            return null;
        }

        var where = $"{source}: rule '{r.Id ?? "#" + (index + 1)}'";
        var before = errors.Count;
        if (string.IsNullOrWhiteSpace(r.Id) || r.Id.Length > 128 || !r.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
        {
            errors.Add($"{where}: id is required (1-128 of A-Z a-z 0-9 - _ . :)");
        }
        else if (!ids.Add(r.Id) || r.Id is "default-deny" or ScopeGuard.RuleId)
        {
            errors.Add($"{where}: duplicate or reserved id");
        }

        PolicyEffect effect = PolicyEffect.Deny;
        switch (r.Effect)
        {
            case "allow": effect = PolicyEffect.Allow; break;
            case "deny": effect = PolicyEffect.Deny; break;
            case "require-approval": effect = PolicyEffect.RequireApproval; break;
            case "redact": effect = PolicyEffect.Redact; break;
            default: errors.Add($"{where}: effect must be allow, deny, require-approval or redact"); break;
        }

        if (effect == PolicyEffect.Redact && (r.Redact is null || r.Redact.Count == 0 || r.Redact.Any(string.IsNullOrWhiteSpace)))
        {
            errors.Add($"{where}: a redact rule needs a non-empty 'redact' list of data tags");
        }
        else if (effect != PolicyEffect.Redact && r.Redact is not null)
        {
            errors.Add($"{where}: 'redact' is only allowed on redact rules");
        }

        if (r.Actions is { } actions && (actions.Count == 0 || actions.Any(a => string.IsNullOrWhiteSpace(a) || a.IndexOf('*', StringComparison.Ordinal) is >= 0 and var s && s != a.Length - 1)))
        {
            errors.Add($"{where}: actions must be a non-empty list of names ('*' only at the end)");
        }

        if (r.AuditFailure is not null and not "open" and not "closed")
        {
            errors.Add($"{where}: audit_failure must be open or closed");
        }
        else if (r.AuditFailure == "open" && effect is not (PolicyEffect.Allow or PolicyEffect.Redact))
        {
            errors.Add($"{where}: audit_failure: open only makes sense on allow rules");
        }

        if (r.CaptureContent == true && effect != PolicyEffect.Allow)
        {
            errors.Add($"{where}: capture_content is only allowed on allow rules");
        }

        if (r.Description is { Length: > 1024 })
        {
            errors.Add($"{where}: description is longer than 1024 characters");
        }

        var condition = string.IsNullOrWhiteSpace(r.When) ? "true" : r.When.Trim();
        CelProgram? program = null;
        try
        {
            program = CelCompiler.Compile(condition);
        }
        catch (CelSyntaxException ex)
        {
            errors.Add($"{where}: when: {ex.Message}");
        }

        if (errors.Count > before)
        {
            return null;
        }

        var actionList = r.Actions is null || r.Actions.Contains("*") ? null : r.Actions.ToArray();
        return new PolicyRule(r.Id!, r.Description, effect, actionList, condition, r.Redact?.ToArray() ?? [], source, order, program!)
        {
            AuditFailOpen = r.AuditFailure == "open",
            CaptureContent = r.CaptureContent == true,
        };
    }
}
