namespace SharedFs.Fuse;

/// <summary>
/// An inode-based filesystem served by libfuse3's low-level API. Inode 1 is the root. Calls run concurrently on
/// libfuse's workers and may complete later on any thread: nothing below the binding blocks a worker. Errors are
/// positive errno values (<see cref="FuseError"/>, or the int result of the calls that return no data); the
/// defaults answer ENOSYS. An exception escaping a call becomes EIO and is logged by the binding.
/// Every successful entry answer (lookup, create, mkdir, mknod, symlink, link, and each readdirplus entry)
/// counts one kernel reference to the inode, which <see cref="Forget"/> gives back.
/// A <c>handle</c> of null means the kernel did not name an open file.
/// </summary>
public abstract class FuseFileSystem
{
    public const ulong RootInode = 1;

    protected static ValueTask<FuseResult<T>> NotImplemented<T>() => ValueTask.FromResult<FuseResult<T>>(Errno.Fail(Errno.ENOSYS));
    protected static ValueTask<int> NotImplemented() => ValueTask.FromResult(Errno.ENOSYS);

    /// <summary>Called once, before any request (the kernel connection is negotiated).</summary>
    public virtual void Initialized() { }
    /// <summary>Called once when the session ends (after the kernel unmounted).</summary>
    public virtual void Destroyed() { }

    public virtual ValueTask<FuseResult<FuseEntry>> LookupAsync(FuseContext context, ulong parent, string name) => NotImplemented<FuseEntry>();
    /// <summary>The kernel dropped <paramref name="count"/> references to the inode. Never answered, never fails.</summary>
    public virtual void Forget(ulong inode, ulong count) { }
    public virtual ValueTask<FuseResult<FuseAttributes>> GetAttributesAsync(FuseContext context, ulong inode, ulong? handle) => NotImplemented<FuseAttributes>();
    public virtual ValueTask<FuseResult<FuseAttributes>> SetAttributesAsync(FuseContext context, ulong inode, AttributeChanges changes, ulong? handle) => NotImplemented<FuseAttributes>();
    public virtual ValueTask<FuseResult<string>> ReadLinkAsync(FuseContext context, ulong inode) => NotImplemented<string>();
    public virtual ValueTask<FuseResult<FuseEntry>> MakeNodeAsync(FuseContext context, ulong parent, string name, uint mode, ulong device) => NotImplemented<FuseEntry>();
    public virtual ValueTask<FuseResult<FuseEntry>> MakeDirectoryAsync(FuseContext context, ulong parent, string name, uint mode) => NotImplemented<FuseEntry>();
    public virtual ValueTask<int> UnlinkAsync(FuseContext context, ulong parent, string name) => NotImplemented();
    public virtual ValueTask<int> RemoveDirectoryAsync(FuseContext context, ulong parent, string name) => NotImplemented();
    public virtual ValueTask<FuseResult<FuseEntry>> SymlinkAsync(FuseContext context, string target, ulong parent, string name) => NotImplemented<FuseEntry>();
    /// <summary>flags: RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2.</summary>
    public virtual ValueTask<int> RenameAsync(FuseContext context, ulong parent, string name, ulong newParent, string newName, uint flags) => NotImplemented();
    public virtual ValueTask<FuseResult<FuseEntry>> LinkAsync(FuseContext context, ulong inode, ulong newParent, string newName) => NotImplemented<FuseEntry>();

    /// <summary>flags: open(2)'s (O_ACCMODE, O_TRUNC, O_APPEND…).</summary>
    public virtual ValueTask<FuseResult<FuseOpen>> OpenAsync(FuseContext context, ulong inode, int flags) => NotImplemented<FuseOpen>();
    public virtual ValueTask<FuseResult<(FuseEntry Entry, FuseOpen Open)>> CreateAsync(FuseContext context, ulong parent, string name, uint mode, int flags) =>
        NotImplemented<(FuseEntry, FuseOpen)>();
    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>; returns the bytes read (fewer at the end).</summary>
    public virtual ValueTask<FuseResult<int>> ReadAsync(FuseContext context, ulong inode, ulong handle, Memory<byte> buffer, long offset) => NotImplemented<int>();
    /// <summary>
    /// Writes are local (the data stays valid only during the call, and nothing here waits for the network):
    /// returns the bytes written, or a negated errno.
    /// </summary>
    public virtual int Write(FuseContext context, ulong inode, ulong handle, ReadOnlySpan<byte> data, long offset) => -Errno.ENOSYS;
    /// <summary>close(2) of one descriptor of the open file (there may be several: dup, fork).</summary>
    public virtual ValueTask<int> FlushAsync(FuseContext context, ulong inode, ulong handle) => ValueTask.FromResult(0);
    /// <summary>The last descriptor of the open file is gone. Its answer reaches nobody (close() has returned).</summary>
    public virtual ValueTask<int> ReleaseAsync(FuseContext context, ulong inode, ulong handle) => ValueTask.FromResult(0);
    public virtual ValueTask<int> FSyncAsync(FuseContext context, ulong inode, ulong handle, bool dataOnly) => ValueTask.FromResult(0);
    public virtual ValueTask<int> AllocateAsync(FuseContext context, ulong inode, ulong handle, int mode, long offset, long length) =>
        ValueTask.FromResult(Errno.EOPNOTSUPP);

    public virtual ValueTask<FuseResult<FuseOpen>> OpenDirectoryAsync(FuseContext context, ulong inode, int flags) => NotImplemented<FuseOpen>();
    /// <summary>
    /// Adds the entries from <paramref name="offset"/> (the index of the first entry not yet returned) to the
    /// buffer until it is full. With readdirplus each added entry counts a kernel reference.
    /// </summary>
    public virtual ValueTask<int> ReadDirectoryAsync(FuseContext context, ulong inode, ulong handle, long offset, DirectoryBuffer buffer) => NotImplemented();
    public virtual ValueTask<int> ReleaseDirectoryAsync(FuseContext context, ulong inode, ulong handle) => ValueTask.FromResult(0);
    /// <summary>fsync(2) of a directory (also what `sync DIR` does).</summary>
    public virtual ValueTask<int> FSyncDirectoryAsync(FuseContext context, ulong inode, ulong handle, bool dataOnly) => ValueTask.FromResult(0);

    public virtual ValueTask<FuseResult<FileSystemStats>> StatFsAsync(FuseContext context, ulong inode) => NotImplemented<FileSystemStats>();
    /// <summary>flags: XATTR_CREATE = 1, XATTR_REPLACE = 2. The value is a copy the filesystem may keep.</summary>
    public virtual ValueTask<int> SetExtendedAttributeAsync(FuseContext context, ulong inode, string name, byte[] value, int flags) => NotImplemented();
    public virtual ValueTask<FuseResult<byte[]>> GetExtendedAttributeAsync(FuseContext context, ulong inode, string name) => NotImplemented<byte[]>();
    /// <summary>The names, each followed by a NUL byte.</summary>
    public virtual ValueTask<FuseResult<byte[]>> ListExtendedAttributesAsync(FuseContext context, ulong inode) => NotImplemented<byte[]>();
    public virtual ValueTask<int> RemoveExtendedAttributeAsync(FuseContext context, ulong inode, string name) => NotImplemented();
}
