namespace Warden.Core.Detection.Operators;

/// <summary>What replaces a finding.</summary>
public enum ScrubOperator
{
    /// <summary><c>&lt;EMAIL_ADDRESS&gt;</c>.</summary>
    Redact,

    /// <summary>All but the last few characters replaced with a mask character (e.g. <c>************1234</c>).</summary>
    Mask,

    /// <summary><c>&lt;TYPE:hmac:…&gt;</c>: keyed HMAC-SHA256, stable for one key, not brute-forceable without it.</summary>
    Hash,

    /// <summary><c>&lt;TYPE:enc:…&gt;</c>: AES-256-GCM with a random nonce; reversible with the key.</summary>
    Encrypt,

    /// <summary><c>&lt;TYPE_n&gt;</c>: stable per session and reversible through the session's vault.</summary>
    Pseudonymize,
}
