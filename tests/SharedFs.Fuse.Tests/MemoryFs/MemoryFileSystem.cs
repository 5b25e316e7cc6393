namespace SharedFs.Fuse.Tests.MemoryFs;

/// <summary>
/// A small in-memory filesystem served through the binding, inode by inode: one lock, nodes by number, open
/// files by handle (so an unlinked open file keeps working). Answers synchronously, except reads, which complete
/// later on the thread pool (both reply paths of the binding are exercised). Counters and fault injection let tests
/// see what the kernel asked.
/// </summary>
internal sealed class MemoryFileSystem(TimeSpan cacheTimeout) : FuseFileSystem
{
    private const int O_ACCMODE = 3, O_TRUNC = 0x200;
    private const uint RenameNoReplace = 1;

    private abstract class Node
    {
        public uint Mode, Uid, Gid;
        public ulong Inode;
        public DirectoryNode? Parent;
        public string Name = "";
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
    private readonly Dictionary<ulong, Node> _nodes = [];
    private readonly Dictionary<ulong, FileNode> _open = [];
    private readonly Dictionary<ulong, List<Node>> _listings = [];
    private readonly DirectoryNode _root = new() { Mode = FileMode.Directory | 0x1ED /* 0755 */, Inode = RootInode };
    private ulong _nextHandle = 1, _nextInode = RootInode + 1;
    private int _getAttrCalls;

    public MemoryFileSystem() : this(TimeSpan.FromSeconds(1)) { }

    /// <summary>A call on a name ending with this throws (to see EIO instead of a crash).</summary>
    public const string ExplodingName = "boom";

    public int GetAttrCalls => Volatile.Read(ref _getAttrCalls);
    public FuseContext? LastCreateContext { get; private set; }
    public int InitializedCalls { get; private set; }
    public int DestroyedCalls { get; private set; }
    public int OpenHandles { get { lock (_gate) return _open.Count; } }

    public override void Initialized()
    {
        lock (_gate)
        {
            Stamp(_root);
            _nodes[RootInode] = _root;
        }
        InitializedCalls++;
    }

    public override void Destroyed() => DestroyedCalls++;

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

    /// <summary>Removes a name without going through the kernel.</summary>
    public void RemoveBehindTheKernel(string path)
    {
        lock (_gate)
        {
            var node = Find(path)!;
            node.Parent!.Children.Remove(node.Name);
            node.Parent = null;
        }
    }

    /// <summary>Adds a file without going through the kernel.</summary>
    public void AddFile(string path, byte[] content)
    {
        lock (_gate)
        {
            var slash = path.LastIndexOf('/');
            var parent = (DirectoryNode)Find(path[..Math.Max(slash, 0)])!;
            Attach(parent, path[(slash + 1)..], Stamp(new FileNode { Mode = FileMode.Regular | 0x1A4, Data = content.ToArray(), Length = content.Length }));
        }
    }

    public override ValueTask<FuseResult<FuseEntry>> LookupAsync(FuseContext context, ulong parent, string name)
    {
        ThrowIfExploding(name);
        lock (_gate)
        {
            if (!_nodes.TryGetValue(parent, out var node) || node is not DirectoryNode directory) return Answer<FuseEntry>(Errno.Fail(Errno.ENOTDIR));
            return directory.Children.TryGetValue(name, out var child) ? Answer<FuseEntry>(Entry(child)) : Answer<FuseEntry>(Errno.Fail(Errno.ENOENT));
        }
    }

    public override ValueTask<FuseResult<FuseAttributes>> GetAttributesAsync(FuseContext context, ulong inode, ulong? handle)
    {
        Interlocked.Increment(ref _getAttrCalls);
        lock (_gate)
        {
            Node? node = handle is { } h && _open.TryGetValue(h, out var open) ? open : _nodes.GetValueOrDefault(inode);
            if (node is null) return Answer<FuseAttributes>(Errno.Fail(Errno.ENOENT));
            ThrowIfExploding(node.Name);
            return Answer<FuseAttributes>(new FuseAttributes(StatOf(node), cacheTimeout));
        }
    }

    public override ValueTask<FuseResult<FuseAttributes>> SetAttributesAsync(FuseContext context, ulong inode, AttributeChanges changes, ulong? handle)
    {
        lock (_gate)
        {
            Node? node = handle is { } h && _open.TryGetValue(h, out var open) ? open : _nodes.GetValueOrDefault(inode);
            if (node is null) return Answer<FuseAttributes>(Errno.Fail(Errno.ENOENT));
            var now = Now();
            if (changes.Mode is { } mode) node.Mode = (node.Mode & FileMode.TypeMask) | (mode & FileMode.PermissionMask);
            if (changes.Uid is { } uid) node.Uid = uid;
            if (changes.Gid is { } gid) node.Gid = gid;
            if (changes.Size is { } size)
            {
                if (node is not FileNode file) return Answer<FuseAttributes>(Errno.Fail(Errno.EISDIR));
                Resize(file, size);
            }
            if (changes.AccessTimeNow) node.AccessTime = now;
            else if (changes.AccessTime is { } atime) node.AccessTime = atime;
            if (changes.ModifyTimeNow) node.ModifyTime = now;
            else if (changes.ModifyTime is { } mtime) node.ModifyTime = mtime;
            node.ChangeTime = now;
            return Answer<FuseAttributes>(new FuseAttributes(StatOf(node), cacheTimeout));
        }
    }

    public override ValueTask<FuseResult<string>> ReadLinkAsync(FuseContext context, ulong inode)
    {
        lock (_gate)
            return _nodes.GetValueOrDefault(inode) is LinkNode link ? Answer<string>(link.Target) : Answer<string>(Errno.Fail(Errno.EINVAL));
    }

    public override ValueTask<FuseResult<FuseEntry>> MakeDirectoryAsync(FuseContext context, ulong parent, string name, uint mode) =>
        Add(context, parent, name, new DirectoryNode { Mode = FileMode.Directory | (mode & FileMode.PermissionMask) });

    public override ValueTask<FuseResult<FuseEntry>> SymlinkAsync(FuseContext context, string target, ulong parent, string name) =>
        Add(context, parent, name, new LinkNode { Mode = FileMode.SymbolicLink | 0x1FF, Target = target });

    public override ValueTask<int> UnlinkAsync(FuseContext context, ulong parent, string name) => Remove(parent, name, directory: false);

    public override ValueTask<int> RemoveDirectoryAsync(FuseContext context, ulong parent, string name) => Remove(parent, name, directory: true);

    public override ValueTask<int> RenameAsync(FuseContext context, ulong parent, string name, ulong newParent, string newName, uint flags)
    {
        lock (_gate)
        {
            if ((flags & ~RenameNoReplace) != 0) return ValueTask.FromResult(Errno.EINVAL);
            if (_nodes.GetValueOrDefault(parent) is not DirectoryNode from || !from.Children.TryGetValue(name, out var node)) return ValueTask.FromResult(Errno.ENOENT);
            if (_nodes.GetValueOrDefault(newParent) is not DirectoryNode to) return ValueTask.FromResult(Errno.ENOENT);
            if (to.Children.TryGetValue(newName, out var existing))
            {
                if ((flags & RenameNoReplace) != 0) return ValueTask.FromResult(Errno.EEXIST);
                if (existing is DirectoryNode d && d.Children.Count > 0) return ValueTask.FromResult(Errno.ENOTEMPTY);
                if (existing is DirectoryNode && node is not DirectoryNode) return ValueTask.FromResult(Errno.EISDIR);
                if (existing is not DirectoryNode && node is DirectoryNode) return ValueTask.FromResult(Errno.ENOTDIR);
            }
            from.Children.Remove(name);
            Attach(to, newName, node);
            Touch(from);
            Touch(to);
            node.ChangeTime = Now();
            return ValueTask.FromResult(0);
        }
    }

    public override ValueTask<FuseResult<FuseOpen>> OpenAsync(FuseContext context, ulong inode, int flags)
    {
        lock (_gate)
        {
            if (_nodes.GetValueOrDefault(inode) is not FileNode file) return Answer<FuseOpen>(Errno.Fail(Errno.EISDIR));
            ThrowIfExploding(file.Name);
            if ((flags & O_ACCMODE) != 0 && (flags & O_TRUNC) != 0) Resize(file, 0);
            var handle = _nextHandle++;
            _open[handle] = file;
            return Answer<FuseOpen>(new FuseOpen(handle));
        }
    }

    public override ValueTask<FuseResult<(FuseEntry Entry, FuseOpen Open)>> CreateAsync(FuseContext context, ulong parent, string name, uint mode, int flags)
    {
        LastCreateContext = context;
        lock (_gate)
        {
            if (_nodes.GetValueOrDefault(parent) is not DirectoryNode directory) return Answer<(FuseEntry, FuseOpen)>(Errno.Fail(Errno.ENOENT));
            if (directory.Children.ContainsKey(name)) return Answer<(FuseEntry, FuseOpen)>(Errno.Fail(Errno.EEXIST));
            var file = Stamp(new FileNode { Mode = FileMode.Regular | (mode & FileMode.PermissionMask), Uid = context.Uid, Gid = context.Gid });
            Attach(directory, name, file);
            Touch(directory);
            var handle = _nextHandle++;
            _open[handle] = file;
            return Answer<(FuseEntry, FuseOpen)>((Entry(file), new FuseOpen(handle)));
        }
    }

    /// <summary>Answers on the thread pool, after the call returned: the binding's late-reply path.</summary>
    public override async ValueTask<FuseResult<int>> ReadAsync(FuseContext context, ulong inode, ulong handle, Memory<byte> buffer, long offset)
    {
        await Task.Yield();
        lock (_gate)
        {
            if (!_open.TryGetValue(handle, out var file)) return Errno.Fail(Errno.EBADF);
            if (offset >= file.Length) return 0;
            int count = (int)Math.Min(buffer.Length, file.Length - offset);
            file.Data.AsSpan((int)offset, count).CopyTo(buffer.Span);
            return count;
        }
    }

    public override int Write(FuseContext context, ulong inode, ulong handle, ReadOnlySpan<byte> data, long offset)
    {
        lock (_gate)
        {
            if (!_open.TryGetValue(handle, out var file)) return -Errno.EBADF;
            long end = offset + data.Length;
            if (end > file.Length) Resize(file, end);
            data.CopyTo(file.Data.AsSpan((int)offset));
            file.ModifyTime = file.ChangeTime = Now();
            return data.Length;
        }
    }

    public override ValueTask<int> ReleaseAsync(FuseContext context, ulong inode, ulong handle)
    {
        lock (_gate) _open.Remove(handle);
        return ValueTask.FromResult(0);
    }

    public override ValueTask<FuseResult<FileSystemStats>> StatFsAsync(FuseContext context, ulong inode) =>
        Answer<FileSystemStats>(new FileSystemStats
        {
            BlockSize = 4096, FragmentSize = 4096, Blocks = 1 << 20, BlocksFree = 1 << 19, BlocksAvailable = 1 << 19,
            Files = 1 << 16, FilesFree = 1 << 15, MaxNameLength = 255,
        });

    public override ValueTask<FuseResult<FuseOpen>> OpenDirectoryAsync(FuseContext context, ulong inode, int flags)
    {
        lock (_gate)
        {
            if (_nodes.GetValueOrDefault(inode) is not DirectoryNode directory) return Answer<FuseOpen>(Errno.Fail(Errno.ENOTDIR));
            ThrowIfExploding(directory.Name);
            var handle = _nextHandle++;
            _listings[handle] = directory.Children.Values.ToList();
            return Answer<FuseOpen>(new FuseOpen(handle));
        }
    }

    public override ValueTask<int> ReadDirectoryAsync(FuseContext context, ulong inode, ulong handle, long offset, DirectoryBuffer buffer)
    {
        lock (_gate)
        {
            if (!_listings.TryGetValue(handle, out var entries) || _nodes.GetValueOrDefault(inode) is not DirectoryNode directory)
                return ValueTask.FromResult(Errno.EBADF);
            for (var index = offset; index < entries.Count + 2; index++)
            {
                var node = index switch { 0 => directory, 1 => directory.Parent ?? directory, _ => entries[(int)index - 2] };
                var name = index switch { 0 => ".", 1 => "..", _ => node.Name };
                if (!buffer.TryAdd(name, Entry(node, counted: false), index + 1)) break;
            }
            return ValueTask.FromResult(0);
        }
    }

    public override ValueTask<int> ReleaseDirectoryAsync(FuseContext context, ulong inode, ulong handle)
    {
        lock (_gate) _listings.Remove(handle);
        return ValueTask.FromResult(0);
    }

    private ValueTask<FuseResult<FuseEntry>> Add(FuseContext context, ulong parent, string name, Node node)
    {
        lock (_gate)
        {
            if (_nodes.GetValueOrDefault(parent) is not DirectoryNode directory) return Answer<FuseEntry>(Errno.Fail(Errno.ENOENT));
            if (directory.Children.ContainsKey(name)) return Answer<FuseEntry>(Errno.Fail(Errno.EEXIST));
            node.Uid = context.Uid;
            node.Gid = context.Gid;
            Attach(directory, name, Stamp(node));
            Touch(directory);
            return Answer<FuseEntry>(Entry(node));
        }
    }

    private ValueTask<int> Remove(ulong parent, string name, bool directory)
    {
        lock (_gate)
        {
            if (_nodes.GetValueOrDefault(parent) is not DirectoryNode from || !from.Children.TryGetValue(name, out var node)) return ValueTask.FromResult(Errno.ENOENT);
            if (directory && node is not DirectoryNode) return ValueTask.FromResult(Errno.ENOTDIR);
            if (!directory && node is DirectoryNode) return ValueTask.FromResult(Errno.EISDIR);
            if (node is DirectoryNode { Children.Count: > 0 }) return ValueTask.FromResult(Errno.ENOTEMPTY);
            from.Children.Remove(name);
            node.Parent = null;
            Touch(from);
            return ValueTask.FromResult(0);
        }
    }

    private static void Attach(DirectoryNode directory, string name, Node node)
    {
        node.Parent = directory;
        node.Name = name;
        directory.Children[name] = node;
    }

    private FuseEntry Entry(Node node, bool counted = true) => new(node.Inode, StatOf(node), cacheTimeout, cacheTimeout);

    private static ValueTask<FuseResult<T>> Answer<T>(FuseResult<T> result) => ValueTask.FromResult(result);

    private static void Resize(FileNode file, long size)
    {
        if (size > file.Data.Length) Array.Resize(ref file.Data, (int)Math.Max(size, file.Data.Length * 2L));
        if (size < file.Length) file.Data.AsSpan((int)size, (int)(file.Length - size)).Clear();
        file.Length = size;
        file.ModifyTime = file.ChangeTime = Now();
    }

    private static void ThrowIfExploding(string name)
    {
        if (name == ExplodingName) throw new InvalidOperationException("injected failure for " + name);
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

    private T Stamp<T>(T node) where T : Node
    {
        if (node.Inode == 0) node.Inode = _nextInode++;
        _nodes[node.Inode] = node;
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
