using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Recognizers;

/// <summary>The provider-specific secret shapes. Each pattern is linear-time; validation is in <see cref="SecretRecognizer"/>.</summary>
internal static partial class SecretPatterns
{
    [GeneratedRegex(@"(?:AKIA|ABIA|ACCA|ASIA|A3T[A-Z0-9])[A-Z0-9]{16}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex AwsAccessKeyId();

    [GeneratedRegex(@"(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{80,})", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex GitHub();

    [GeneratedRegex(@"(?:glpat|gldt|glsoat|glcbt|glimt|glptt|glagent|gloas|glrt|glft|glffct|gltst)-[A-Za-z0-9_\-]{20,80}|GR1348941[A-Za-z0-9_\-]{20,80}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex GitLab();

    [GeneratedRegex(@"xox[abposre]-[A-Za-z0-9\-]{10,}|https://hooks\.slack\.com/services/[A-Za-z0-9/_]{20,}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex Slack();

    [GeneratedRegex(@"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,64}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex Stripe();

    [GeneratedRegex(@"sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{16,}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex OpenAi();

    [GeneratedRegex(@"sk-ant-(?:api|admin|oat|sid)\d{2}-[A-Za-z0-9_\-]{32,}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex Anthropic();

    [GeneratedRegex(@"AIza[0-9A-Za-z_\-]{35}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex GoogleApiKey();

    [GeneratedRegex(@"eyJ[A-Za-z0-9_\-]{4,}\.eyJ[A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]*)?", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex Jwt();

    [GeneratedRegex(@"-----BEGIN[A-Z ]{0,24}PRIVATE KEY(?: BLOCK)?-----", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex PemBegin();

    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^\s:/@""'`<>]+:[^\s/@""'`<>]+@[^\s/""'`<>]+", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex UrlCredentials();

    [GeneratedRegex(@"(?:AccountKey|SharedAccessKey|SharedAccessSignature|sig)=[A-Za-z0-9+/%]{30,}={0,2}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex Azure();

    [GeneratedRegex(@"(?:AKC[A-Za-z0-9]{10,64}|AP[0-9A-F][A-Za-z0-9]{8,64})", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex Artifactory();

    [GeneratedRegex(@"[0-9a-f]{32}-us[0-9]{1,2}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex Mailchimp();

    [GeneratedRegex(@"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex SendGrid();

    [GeneratedRegex(@"(?:AC|SK)[a-z0-9]{32}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex Twilio();

    [GeneratedRegex(@"\d{8,10}:AA[A-Za-z0-9_\-]{32,33}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex Telegram();

    [GeneratedRegex(@"[MNO][A-Za-z0-9_\-]{22,25}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex Discord();

    [GeneratedRegex(@"pypi-AgE[A-Za-z0-9_\-]{100,}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex PyPi();

    [GeneratedRegex(@"npm_[A-Za-z0-9]{36}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex Npm();

    [GeneratedRegex(@"hf_[A-Za-z0-9]{34}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    internal static partial Regex HuggingFace();

    /// <summary>
    /// A secret-looking name (…password, …secret, …token, …api_key, …pw, …pwd) assigned with =, :, :=, =&gt; or as a
    /// command-line flag, then the value (quoted or bare). The name may itself be quoted.
    /// </summary>
    [GeneratedRegex(@"(?:password|passwd|passphrase|pass|pwd|pw|secret|token|api[_\-]?key|apikey|access[_\-]?key|auth[_\-]?key|private[_\-]?key|credentials?|key)[""']?\s{0,3}(?::=|=>|=|:|\s)\s{0,3}(?:""[^""\r\n]*""|'[^'\r\n]*'|[^\s""',;)]+)", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    internal static partial Regex Assignment();
}
