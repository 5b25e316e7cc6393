namespace SharedFs.FileSystem.Nodes;

/// <summary>Where a node stands between this mount and the bucket. The table changes it, nothing else.</summary>
internal enum NodeState
{
    /// <summary>As the bucket answered (<see cref="Node.Remote"/> holds that answer); nothing of it waits here.</summary>
    Remote,
    /// <summary>Made here and not in the bucket yet: a file created and not yet uploaded.</summary>
    New,
    /// <summary>Changed here (content or metadata) since the bucket's version; not uploaded yet.</summary>
    Dirty,
    /// <summary>Its current content and metadata are on the wire; a change meanwhile makes it <see cref="Dirty"/> again.</summary>
    Uploading,
    /// <summary>
    /// Unlinked here with write-back on: its DELETE is queued. The name answers "no such name" (this mount removed
    /// it) whatever the bucket still says, until the DELETE lands and the node goes.
    /// </summary>
    Deleting,
    /// <summary>No longer has a name: serves its open handles and the kernel's references until they go, never uploaded.</summary>
    Unlinked,
}

internal static class NodeStates
{
    /// <summary>This mount holds something the bucket has not got yet (so the bucket's answers cannot replace it).</summary>
    public static bool IsLocal(this NodeState state) => state is NodeState.New or NodeState.Dirty or NodeState.Uploading or NodeState.Deleting;

    /// <summary>The name leads to nothing for this mount (removed, or being removed).</summary>
    public static bool IsGone(this NodeState state) => state is NodeState.Unlinked or NodeState.Deleting;
}
