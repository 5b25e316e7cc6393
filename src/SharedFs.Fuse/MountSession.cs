using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using SharedFs.Fuse.Native;

namespace SharedFs.Fuse;

/// <summary>
/// What the native callbacks need to reach the managed filesystem of one mount. A GCHandle to it is the
/// fuse user_data, so every request finds its session through fuse_get_context()->private_data.
/// </summary>
internal sealed class MountSession : IDisposable
{
    /// <summary>Sessions by struct fuse*, for the init callback (it runs before private_data is settled).</summary>
    private static readonly ConcurrentDictionary<IntPtr, MountSession> ByFuse = new();

    private GCHandle _handle;

    public MountSession(FuseFileSystem fileSystem, FuseMountOptions options)
    {
        FileSystem = fileSystem;
        Options = options;
        _handle = GCHandle.Alloc(this);
    }

    public FuseFileSystem FileSystem { get; }
    public FuseMountOptions Options { get; }
    public IntPtr HandlePointer => GCHandle.ToIntPtr(_handle);

    /// <summary>Completed by the init callback: the kernel connection is negotiated.</summary>
    public TaskCompletionSource Initialized { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Register(IntPtr fuse) => ByFuse[fuse] = this;
    public static void Unregister(IntPtr fuse) => ByFuse.TryRemove(fuse, out _);
    public static MountSession? FindByFuse(IntPtr fuse) => ByFuse.TryGetValue(fuse, out var s) ? s : null;

    public static MountSession FromPointer(IntPtr handle) =>
        (MountSession)(GCHandle.FromIntPtr(handle).Target ?? throw new InvalidOperationException("mount session already released"));

    public static unsafe MountSession Current
    {
        get
        {
            FuseContext* context = LibFuse.GetContext();
            if (context == null || context->PrivateData == IntPtr.Zero)
                throw new InvalidOperationException("no fuse context on this thread");
            return FromPointer(context->PrivateData);
        }
    }

    public void Dispose()
    {
        if (_handle.IsAllocated) _handle.Free();
    }
}
