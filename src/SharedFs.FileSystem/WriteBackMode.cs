namespace SharedFs.FileSystem;

/// <summary>When close() and unlink() return before the bucket has the change.</summary>
public enum WriteBackMode
{
    /// <summary>Never: close() and unlink() wait for the bucket and report its failures (as s3fs does).</summary>
    Off,
    /// <summary>
    /// During bursts only: a lone close() or unlink() waits (what one web request uploads is in the bucket, and so
    /// visible to every container, when the app answers); the fourth of a streak, each starting within half a
    /// second of the previous one's end, and the following ones are queued.
    /// </summary>
    Auto,
    /// <summary>Always: close() and unlink() only queue the change (fsync() waits).</summary>
    On,
}
