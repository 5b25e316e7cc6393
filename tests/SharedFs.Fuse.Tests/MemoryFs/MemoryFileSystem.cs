namespace SharedFs.Fuse.Tests.MemoryFs;

/// <summary>
/// A small in-memory filesystem served through the binding: one lock, nodes in a tree, open files by handle
/// (so an unlinked open file keeps working). Counters and fault injection let tests see what the kernel asked.
/// </summary>
internal sealed class MemoryFileSystem : FuseFileSystem
{
    private const int O_ACCMODE = 3, O_TRUNC = 0x200;
    private const uint RenameNoReplace = 1;

    private abstract class Node
    {
        public uint Mode, Uid, Gid;
        public ulong Inode;
        public TimeSpec AccessTime, ModifyTime, ChangeTime;
    }

    private sealed class FileNode : Node
    {
        public byte[] Data = [];
        public long Length;
    }

    private sealed class DirectoryNode : Node
    {
        public readonly SortedDictionary<string, Node> Children = new(StringComparer.Ordinal);
    }

    private sealed class LinkNode : Node
    {
        public string Target = "";
    }

    private readonly Lock _gate = new();
    private readonly DirectoryNode _root;
    private readonly Dictionary<ulong, FileNode> _open = [];
    private ulong _nextHandle = 1, _nextInode = 1;
    private int _getAttrCalls;

    public MemoryFileSystem()
    {
        _root = Stamp(new DirectoryNode { Mode = FileMode.Directory | 0x1ED /* 0755 */ });
    }

    /// <summary>A callback on a path ending with this name throws (to see EIO instead of a crash).</summary>
    public const string ExplodingName = "boom";

    public int GetAttrCalls => Volatile.Read(ref _getAttrCalls);
    public FuseRequestContext? LastCreateContext { get; private set; }
    public int InitializedCalls { get; private set; }
    public int DestroyedCalls { get; private set; }
    public int OpenHandles { get { lock (_gate) return _open.Count; } }

    /// <summary>Changes a file behind the kernel's back (as another client of the bucket would).</summary>
    public void ReplaceContent(string path, byte[] content)
    {
        lock (_gate)
        {
            var file = (FileNode)Find(path)!;
            file.Data = content.ToArray();
            file.Length = content.Length;
            file.ModifyTime = file.ChangeTime = Now();
        }
    }

    /// <summary>Adds a file without going through the kernel.</summary>
    public void AddFile(string path, byte[] content)
    {
        lock (_gate)
        {
            var (parent, name) = Parent(path);
            parent!.Children[name] = Stamp(new FileNode { Mode = FileMode.Regular | 0x1A4, Data = content.ToArray(), Length = content.Length });
        }
    }

    public override void Initialized() => InitializedCalls++;
    public override void Destroyed() => DestroyedCalls++;

    public override int GetAttr(string path, ref FileStat stat, ulong? handle)
    {
        Interlocked.Increment(ref _getAttrCalls);
        ThrowIfExploding(path);
        lock (_gate)
        {
            Node? node = handle is ulong h && _open.TryGetValue(h, out var open) ? open : Find(path);
            if (node == null) return -Errno.ENOENT;
            stat = StatOf(node);
            return 0;
        }
    }

    public override int ReadLink(string path, out string target)
    {
        lock (_gate)
        {
            target = "";
            if (Find(path) is not LinkNode link) return Find(path) == null ? -Errno.ENOENT : -Errno.EINVAL;
            target = link.Target;
            return 0;
        }
    }

    public override int MakeDirectory(string path, uint mode) =>
        AddNode(path, new DirectoryNode { Mode = FileMode.Directory | (mode & FileMode.PermissionMask) });

    public override int SymbolicLink(string target, string path) =>
        AddNode(path, new LinkNode { Mode = FileMode.SymbolicLink | 0x1FF, Target = target });

    public override int Unlink(string path)
    {
        lock (_gate)
        {
            var (parent, name) = Parent(path);
            if (parent == null || !parent.Children.TryGetValue(name, out var node)) return -Errno.ENOENT;
            if (node is DirectoryNode) return -Errno.EISDIR;
            parent.Children.Remove(name);
            Touch(parent);
            return 0;
        }
    }

    public override int RemoveDirectory(string path)
    {
        lock (_gate)
        {
            var (parent, name) = Parent(path);
            if (parent == null || !parent.Children.TryGetValue(name, out var node)) return -Errno.ENOENT;
            if (node is not DirectoryNode directory) return -Errno.ENOTDIR;
            if (directory.Children.Count > 0) return -Errno.ENOTEMPTY;
            parent.Children.Remove(name);
            Touch(parent);
            return 0;
        }
    }

    public override int Rename(string from, string to, uint flags)
    {
        lock (_gate)
        {
            if ((flags & ~RenameNoReplace) != 0) return -Errno.EINVAL;
            var (fromParent, fromName) = Parent(from);
            var (toParent, toName) = Parent(to);
            if (fromParent == null || !fromParent.Children.TryGetValue(fromName, out var node)) return -Errno.ENOENT;
            if (toParent == null) return -Errno.ENOENT;
            if (toParent.Children.TryGetValue(toName, out var existing))
            {
                if ((flags & RenameNoReplace) != 0) return -Errno.EEXIST;
                if (existing is DirectoryNode d && d.Children.Count > 0) return -Errno.ENOTEMPTY;
                if (existing is DirectoryNode && node is not DirectoryNode) return -Errno.EISDIR;
                if (existing is not DirectoryNode && node is DirectoryNode) return -Errno.ENOTDIR;
            }
            fromParent.Children.Remove(fromName);
            toParent.Children[toName] = node;
            Touch(fromParent);
            Touch(toParent);
            node.ChangeTime = Now();
            return 0;
        }
    }

    public override int ChangeMode(string path, uint mode, ulong? handle) => Update(path, handle, node =>
        node.Mode = (node.Mode & FileMode.TypeMask) | (mode & FileMode.PermissionMask));

    public override int ChangeOwner(string path, uint uid, uint gid, ulong? handle) => Update(path, handle, node =>
    {
        if (uid != uint.MaxValue) node.Uid = uid;
        if (gid != uint.MaxValue) node.Gid = gid;
    });

    public override int Truncate(string path, long size, ulong? handle)
    {
        lock (_gate)
        {
            Node? node = handle is ulong h && _open.TryGetValue(h, out var open) ? open : Find(path);
            if (node is not FileNode file) return node == null ? -Errno.ENOENT : -Errno.EISDIR;
            Resize(file, size);
            return 0;
        }
    }

    public override int Open(string path, ref OpenInfo info)
    {
        ThrowIfExploding(path);
        lock (_gate)
        {
            Node? node = Find(path);
            if (node == null) return -Errno.ENOENT;
            if (node is not FileNode file) return -Errno.EISDIR;
            if ((info.Flags & O_ACCMODE) != 0 && (info.Flags & O_TRUNC) != 0) Resize(file, 0);
            info.Handle = _nextHandle++;
            _open[info.Handle] = file;
            return 0;
        }
    }

    public override int Create(string path, uint mode, ref OpenInfo info)
    {
        LastCreateContext = FuseMount.CurrentContext;
        lock (_gate)
        {
            var (parent, name) = Parent(path);
            if (parent == null) return -Errno.ENOENT;
            if (parent.Children.ContainsKey(name)) return -Errno.EEXIST;
            var file = Stamp(new FileNode { Mode = FileMode.Regular | (mode & FileMode.PermissionMask) });
            file.Uid = LastCreateContext.Value.Uid;
            file.Gid = LastCreateContext.Value.Gid;
            parent.Children[name] = file;
            Touch(parent);
            info.Handle = _nextHandle++;
            _open[info.Handle] = file;
            return 0;
        }
    }

    public override int Read(string path, Span<byte> buffer, long offset, ref OpenInfo info)
    {
        lock (_gate)
        {
            if (!_open.TryGetValue(info.Handle, out var file)) return -Errno.EBADF;
            if (offset >= file.Length) return 0;
            int count = (int)Math.Min(buffer.Length, file.Length - offset);
            file.Data.AsSpan((int)offset, count).CopyTo(buffer);
            return count;
        }
    }

    public override int Write(string path, ReadOnlySpan<byte> data, long offset, ref OpenInfo info)
    {
        lock (_gate)
        {
            if (!_open.TryGetValue(info.Handle, out var file)) return -Errno.EBADF;
            long end = offset + data.Length;
            if (end > file.Length) Resize(file, end);
            data.CopyTo(file.Data.AsSpan((int)offset));
            file.ModifyTime = file.ChangeTime = Now();
            return data.Length;
        }
    }

    public override int Release(string path, ref OpenInfo info)
    {
        lock (_gate) _open.Remove(info.Handle);
        return 0;
    }

    public override int StatFs(string path, ref FileSystemStats stats)
    {
        stats = new FileSystemStats
        {
            BlockSize = 4096, FragmentSize = 4096, Blocks = 1 << 20, BlocksFree = 1 << 19, BlocksAvailable = 1 << 19,
            Files = 1 << 16, FilesFree = 1 << 15, MaxNameLength = 255,
        };
        return 0;
    }

    public override int ReadDirectory(string path, IDirectoryFiller filler, ref OpenInfo info)
    {
        ThrowIfExploding(path);
        List<(string Name, FileStat Stat)> entries;
        FileStat self;
        lock (_gate)
        {
            if (Find(path) is not DirectoryNode directory) return Find(path) == null ? -Errno.ENOENT : -Errno.ENOTDIR;
            self = StatOf(directory);
            entries = directory.Children.Select(c => (c.Key, StatOf(c.Value))).ToList();
        }
        filler.Add(".", self);
        filler.Add("..");
        foreach (var (name, stat) in entries)
            if (!filler.Add(name, stat)) return -Errno.ENOMEM;
        return 0;
    }

    public override int UpdateTimes(string path, TimeSpec access, TimeSpec modify, ulong? handle) => Update(path, handle, node =>
    {
        var now = Now();
        if (!access.IsOmit) node.AccessTime = access.IsNow ? now : access;
        if (!modify.IsOmit) node.ModifyTime = modify.IsNow ? now : modify;
        node.ChangeTime = now;
    });

    private int AddNode(string path, Node node)
    {
        lock (_gate)
        {
            var (parent, name) = Parent(path);
            if (parent == null) return -Errno.ENOENT;
            if (parent.Children.ContainsKey(name)) return -Errno.EEXIST;
            var context = FuseMount.CurrentContext;
            node.Uid = context.Uid;
            node.Gid = context.Gid;
            parent.Children[name] = Stamp(node);
            Touch(parent);
            return 0;
        }
    }

    private int Update(string path, ulong? handle, Action<Node> change)
    {
        lock (_gate)
        {
            Node? node = handle is ulong h && _open.TryGetValue(h, out var open) ? open : Find(path);
            if (node == null) return -Errno.ENOENT;
            change(node);
            node.ChangeTime = Now();
            return 0;
        }
    }

    private static void Resize(FileNode file, long size)
    {
        if (size > file.Data.Length) Array.Resize(ref file.Data, (int)Math.Max(size, file.Data.Length * 2L));
        if (size < file.Length) file.Data.AsSpan((int)size, (int)(file.Length - size)).Clear();
        file.Length = size;
        file.ModifyTime = file.ChangeTime = Now();
    }

    private static void ThrowIfExploding(string path)
    {
        if (path.EndsWith("/" + ExplodingName, StringComparison.Ordinal))
            throw new InvalidOperationException("injected failure for " + path);
    }

    private Node? Find(string path)
    {
        Node current = _root;
        foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current is not DirectoryNode directory || !directory.Children.TryGetValue(part, out var child)) return null;
            current = child;
        }
        return current;
    }

    private (DirectoryNode? Parent, string Name) Parent(string path)
    {
        int slash = path.LastIndexOf('/');
        return (Find(path[..Math.Max(slash, 0)]) as DirectoryNode, path[(slash + 1)..]);
    }

    private T Stamp<T>(T node) where T : Node
    {
        node.Inode = _nextInode++;
        node.AccessTime = node.ModifyTime = node.ChangeTime = Now();
        return node;
    }

    private static void Touch(Node node) => node.ModifyTime = node.ChangeTime = Now();

    private static TimeSpec Now() => TimeSpec.FromDateTimeOffset(DateTimeOffset.UtcNow);

    private static FileStat StatOf(Node node) => new()
    {
        Mode = node.Mode,
        LinkCount = node is DirectoryNode ? 2UL : 1UL,
        Uid = node.Uid,
        Gid = node.Gid,
        Size = node switch { FileNode f => f.Length, LinkNode l => System.Text.Encoding.UTF8.GetByteCount(l.Target), _ => 4096 },
        Inode = node.Inode,
        AccessTime = node.AccessTime,
        ModifyTime = node.ModifyTime,
        ChangeTime = node.ChangeTime,
    };
}
