using System.Runtime.InteropServices;

namespace SharedFs.Fuse;

/// <summary>
/// What the native callbacks need to reach the managed filesystem of one mount. A GCHandle to it is the session's
/// user data, so every request finds its session through fuse_req_userdata.
/// </summary>
internal sealed class MountSession : IDisposable
{
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

    public static MountSession FromPointer(IntPtr handle) =>
        (MountSession)(GCHandle.FromIntPtr(handle).Target ?? throw new InvalidOperationException("mount session already released"));

    public void Dispose()
    {
        if (_handle.IsAllocated) _handle.Free();
    }
}
