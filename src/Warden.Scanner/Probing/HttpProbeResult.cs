namespace Warden.Scanner.Probing;

/// <summary>The outcome of one HTTP probe.</summary>
internal sealed record HttpProbeResult(
    string EvidenceId,
    int? Status,
    IReadOnlyDictionary<string, string> Headers,
    string? ContentType,
    string Body,
    string? Error)
{
    /// <summary>True when the server answered at all.</summary>
    public bool Answered => Status is not null;

    /// <summary>A response header, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}
