namespace WaifuLab.Data;

/// <summary>What the decode cache did during one load.</summary>
public enum CacheOutcome
{
    /// <summary>Caching was turned off.</summary>
    Disabled,
    /// <summary>A valid cache for this size and file list was found and used; no image was decoded.</summary>
    Hit,
    /// <summary>No valid cache existed (none, stale or corrupt); images were decoded and a new cache written.</summary>
    Written,
    /// <summary>Images were decoded but the cache could not be written (e.g. a read-only folder); see the note.</summary>
    WriteFailed,
}
