namespace Warden.Core.Identity;

/// <summary>Read or write. Write includes read. Read is the default.</summary>
public enum ScopeAccess
{
    /// <summary>Use without side effects (call a model, read-only tool, send data of this class).</summary>
    Read = 0,

    /// <summary>Side effects allowed. Must be asked for explicitly.</summary>
    Write = 1,
}
