namespace SharedFs.Fuse;

/// <summary>
/// A path-based filesystem served by libfuse3's high-level API. Every callback returns 0 (or a byte count)
/// on success and a negated errno on failure; the defaults answer ENOSYS. Callbacks run on libfuse's worker
/// threads, concurrently: implementations must be thread-safe. An exception escaping a callback is turned
/// into -EIO by the binding (it would otherwise kill the process).
/// A <c>handle</c> parameter is null when the kernel did not name an open file.
/// </summary>
public abstract class FuseFileSystem
{
    public virtual int GetAttr(string path, ref FileStat stat, ulong? handle) => -Errno.ENOSYS;
    public virtual int ReadLink(string path, out string target) { target = ""; return -Errno.ENOSYS; }
    public virtual int MakeDirectory(string path, uint mode) => -Errno.ENOSYS;
    public virtual int Unlink(string path) => -Errno.ENOSYS;
    public virtual int RemoveDirectory(string path) => -Errno.ENOSYS;
    public virtual int SymbolicLink(string target, string path) => -Errno.ENOSYS;
    /// <summary>flags: RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2.</summary>
    public virtual int Rename(string from, string to, uint flags) => -Errno.ENOSYS;
    public virtual int Link(string from, string to) => -Errno.ENOTSUP;
    public virtual int ChangeMode(string path, uint mode, ulong? handle) => -Errno.ENOSYS;
    /// <summary>uint.MaxValue for uid or gid means "leave unchanged".</summary>
    public virtual int ChangeOwner(string path, uint uid, uint gid, ulong? handle) => -Errno.ENOSYS;
    public virtual int Truncate(string path, long size, ulong? handle) => -Errno.ENOSYS;
    public virtual int Open(string path, ref OpenInfo info) => -Errno.ENOSYS;
    public virtual int Read(string path, Span<byte> buffer, long offset, ref OpenInfo info) => -Errno.ENOSYS;
    public virtual int Write(string path, ReadOnlySpan<byte> data, long offset, ref OpenInfo info) => -Errno.ENOSYS;
    public virtual int StatFs(string path, ref FileSystemStats stats) => -Errno.ENOSYS;
    public virtual int Flush(string path, ref OpenInfo info) => 0;
    public virtual int Release(string path, ref OpenInfo info) => 0;
    public virtual int FSync(string path, bool dataOnly, ref OpenInfo info) => 0;
    /// <summary>fsync(2) of a directory (also what `sync DIR` does).</summary>
    public virtual int FSyncDirectory(string path, bool dataOnly, ref OpenInfo info) => 0;
    public virtual int OpenDirectory(string path, ref OpenInfo info) => 0;
    /// <summary>Lists the whole directory in one call (the binding uses libfuse's offset-0 mode).</summary>
    public virtual int ReadDirectory(string path, IDirectoryFiller filler, ref OpenInfo info) => -Errno.ENOSYS;
    public virtual int ReleaseDirectory(string path, ref OpenInfo info) => 0;
    public virtual int Access(string path, int mask) => 0;
    public virtual int Create(string path, uint mode, ref OpenInfo info) => -Errno.ENOSYS;
    public virtual int UpdateTimes(string path, TimeSpec access, TimeSpec modify, ulong? handle) => -Errno.ENOSYS;
    public virtual int FAllocate(string path, int mode, long offset, long length, ref OpenInfo info) => -Errno.ENOTSUP;
    public virtual int GetXAttr(string path, string name, Span<byte> value) => -Errno.ENODATA;
    public virtual int ListXAttr(string path, Span<byte> list) => 0;
    public virtual int SetXAttr(string path, string name, ReadOnlySpan<byte> value, int flags) => -Errno.ENOTSUP;
    public virtual int RemoveXAttr(string path, string name) => -Errno.ENOTSUP;
    /// <summary>Called once when the mount is live.</summary>
    public virtual void Initialized() { }
    /// <summary>Called once when the session ends (after the kernel unmounted).</summary>
    public virtual void Destroyed() { }
}
