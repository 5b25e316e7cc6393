namespace SharedFs.FileSystem;

/// <summary>When close() and unlink() return: after the bucket has the change (the default), or before it.</summary>
public enum WriteBackMode
{
    /// <summary>close() and unlink() return once the bucket has the change, and report its failure (the default).</summary>
    Off,
    /// <summary>
    /// For bulk imports only: close() and unlink() return once the change is staged here and its upload or delete
    /// queued (fsync() and `sync DIR` still wait). Other containers see each file when its upload lands, and a
    /// SIGKILL or a crash loses what was still queued.
    /// </summary>
    On,
}
