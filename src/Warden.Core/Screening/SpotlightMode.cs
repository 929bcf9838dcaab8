namespace Warden.Core.Screening;

/// <summary>How untrusted content is marked as data for the model ("spotlighting", Hines et al., Microsoft 2024).</summary>
public enum SpotlightMode
{
    /// <summary>Wrap the content between random begin/end delimiters.</summary>
    Delimit,

    /// <summary>Delimit and interleave a random marker in place of every space (datamarking).</summary>
    Datamark,
}
