namespace Warden.Gateway.Proxy;

/// <summary>
/// What reaches a provider of the end-user id in a request body (<c>user</c>, <c>safety_identifier</c>,
/// <c>metadata.user_id</c>): provider option <c>EndUserId</c>.
/// </summary>
internal enum EndUserIdMode
{
    /// <summary>Removed (the default): the provider never learns who the end user is.</summary>
    Strip,

    /// <summary>Replaced by an HMAC-SHA256 under a Warden-held key: stable per user for the provider's abuse tracking, never the id.</summary>
    Hash,

    /// <summary>Passed on as the caller sent it (scrubbed like any other string when scrubbing is on). Only when configured.</summary>
    Pass,
}
