namespace Warden.Gateway.Proxy;

/// <summary>Which end-user id field (see <see cref="EndUserIdMode"/>).</summary>
internal enum EndUserKey : byte
{
    User,
    SafetyIdentifier,
    MetadataUserId,
}

/// <summary>
/// Where one end-user id member sits in a body: its property name's offset, its value's offsets, and the value the caller
/// sent (null for a JSON null), which is what <see cref="EndUserIdMode.Hash"/> hashes.
/// </summary>
internal readonly record struct EndUserSpan(EndUserKey Key, int MemberStart, int ValueStart, int ValueEnd, string? Original)
{
    public static EndUserKey KeyOf(ScrubContext parent, ReadOnlySpan<char> name) =>
        parent == ScrubContext.Metadata ? EndUserKey.MetadataUserId : name is "user" ? EndUserKey.User : EndUserKey.SafetyIdentifier;

    /// <summary>The edit this field needs for <paramref name="mode"/>, if any.</summary>
    public BodyEdit? Edit(EndUserIdMode mode, EndUserIdHasher? hasher) => mode switch
    {
        EndUserIdMode.Strip => BodyEdit.RemoveMember(MemberStart, ValueEnd),
        EndUserIdMode.Hash when Original is not null => BodyEdit.Replace(ValueStart, ValueEnd, EndUserIdHasher.Require(hasher).HashJson(Original)),
        _ => null,
    };
}
