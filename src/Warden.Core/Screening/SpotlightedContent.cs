namespace Warden.Core.Screening;

/// <summary>Content marked as data, plus the system-prompt text that tells the model what the marking means.</summary>
/// <param name="Mode">The mode used.</param>
/// <param name="Content">The marked content to place in the prompt.</param>
/// <param name="SystemPrompt">Text for the system prompt explaining the marking.</param>
/// <param name="BoundaryId">The per-request random id used in the delimiters.</param>
/// <param name="Marker">The per-request datamark (empty in <see cref="SpotlightMode.Delimit"/> mode).</param>
public sealed record SpotlightedContent(SpotlightMode Mode, string Content, string SystemPrompt, string BoundaryId, string Marker);
