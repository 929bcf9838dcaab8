namespace Warden.Core.Detection;

/// <summary>
/// One detected entity. <see cref="Start"/> and <see cref="End"/> are UTF-16 offsets into the analysed
/// text, <see cref="End"/> exclusive. <see cref="Kind"/> refines <see cref="EntityTypes.Secret"/> findings
/// (for example <c>aws_access_key_id</c>); it is null for other types.
/// </summary>
public readonly record struct Finding(string Type, int Start, int End, double Score, string Recognizer, string? Kind = null)
{
    public int Length => End - Start;

    public bool Overlaps(in Finding other) => Start < other.End && other.Start < End;
}
