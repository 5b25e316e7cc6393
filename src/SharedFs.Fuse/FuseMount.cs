using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using SharedFs.Fuse.Native;

namespace SharedFs.Fuse;

/// <summary>
/// A live mount of a <see cref="FuseFileSystem"/>: libfuse's multi-threaded loop runs on a dedicated
/// background thread and its workers call the filesystem concurrently. The loop ends when the kernel drops
/// the mount (our <see cref="Unmount"/>, or umount/fusermount3 -u from outside); that thread then destroys
/// the libfuse session and completes <see cref="Completion"/>.
/// </summary>
public sealed unsafe class FuseMount : IDisposable
{
    private static readonly TimeSpan InitTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CleanLoopEndTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LazyLoopEndGrace = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan BusyRetryInterval = TimeSpan.FromMilliseconds(50);

    private readonly MountSession _session;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Unmounting and destroying libfuse's session are not thread-safe: every teardown step holds this lock.
    private readonly Lock _teardownLock = new();
    // InvalidatePath uses the struct fuse concurrently; destroy must wait for those calls to finish.
    private readonly ReaderWriterLockSlim _fuseInUse = new(LockRecursionPolicy.NoRecursion);
    private IntPtr _fuse;
    private FuseArgs* _args;
    private string? _device;         // major:minor of our mount, to never unmount somebody else's
    private volatile bool _loopEnded;
    private bool _destroyed;
    private bool? _unmountResult;

    private FuseMount(FuseFileSystem fileSystem, string mountPoint, FuseMountOptions options)
    {
        MountPoint = mountPoint;
        _session = new MountSession(fileSystem, options);
    }

    /// <summary>The absolute mount point.</summary>
    public string MountPoint { get; }

    /// <summary>Completes when the loop has ended and the session is destroyed (also after an outside unmount).</summary>
    public Task Completion => _completion.Task;

    /// <summary>
    /// Mounts <paramref name="fileSystem"/> at <paramref name="mountPoint"/> and returns once the kernel has
    /// initialised the connection (requests are served from then on). Needs root and /dev/fuse.
    /// </summary>
    /// <exception cref="FuseMountException">The mount point, the environment or libfuse refused the mount.</exception>
    public static FuseMount Mount(FuseFileSystem fileSystem, string mountPoint, FuseMountOptions options)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxThreads < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxThreads must be at least 1");
        var mount = new FuseMount(fileSystem, MountPreflight.Check(mountPoint), options);
        mount.Start();
        return mount;
    }

    /// <summary>Who issued the request being served; valid only on a libfuse worker inside a callback.</summary>
    public static FuseRequestContext CurrentContext
    {
        get
        {
            NativeLibraryResolver.EnsureRegistered();
            FuseContext* context = LibFuse.GetContext();
            if (context == null)
                throw new InvalidOperationException("CurrentContext is only available inside a filesystem callback");
            return new FuseRequestContext(context->Uid, context->Gid, context->Pid, context->Umask);
        }
    }

    private void Start()
    {
        _args = FuseArguments.Create(_session.Options);
        _fuse = LibFuse.New(_args, FuseOperationsTable.Pointer, (nuint)sizeof(FuseOperations), (void*)_session.HandlePointer);
        if (_fuse == IntPtr.Zero)
        {
            DestroySession();
            throw new FuseMountException(
                $"libfuse rejected the options '{FuseArguments.OptionString(_session.Options)}' (its message is on stderr)");
        }
        _session.Register(_fuse);

        int result;
        fixed (byte* mountPoint = Encoding.UTF8.GetBytes(MountPoint + "\0"))
            result = LibFuse.Mount(_fuse, mountPoint);
        if (result != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            DestroySession();
            throw new FuseMountException($"mounting '{MountPoint}' failed: {LibC.Describe(errno)} (libfuse's message is on stderr)");
        }
        _device = MountTable.Find(MountPoint)?.Device;

        new Thread(RunLoop) { IsBackground = true, Name = "fuse loop" }.Start();
        WaitUntilLive();
    }

    private void WaitUntilLive()
    {
        Task initialized = _session.Initialized.Task;
        Task.WaitAny([initialized, Completion], InitTimeout);
        string? failure =
            initialized.IsCompletedSuccessfully ? null
            : initialized.IsFaulted ? $"the init callback failed: {initialized.Exception!.InnerException!.Message}"
            : Completion.IsCompleted ? "the FUSE session ended before the kernel initialised it"
            : $"the kernel did not initialise the FUSE connection within {InitTimeout.TotalSeconds:0}s";
        if (failure == null)
        {
            try
            {
                _session.FileSystem.Initialized();
                return;
            }
            catch (Exception e)
            {
                Unmount(TimeSpan.Zero);
                throw new FuseMountException($"mounting '{MountPoint}' failed: FuseFileSystem.Initialized threw: {e.Message}", e);
            }
        }
        Unmount(TimeSpan.Zero);
        throw new FuseMountException($"mounting '{MountPoint}' failed: {failure}");
    }

    private void RunLoop()
    {
        int result = 0;
        Exception? error = null;
        try
        {
            IntPtr config = LibFuse.LoopConfigCreate();
            uint threads = (uint)_session.Options.MaxThreads;
            LibFuse.LoopConfigSetMaxThreads(config, threads);
            // Keep idle workers: a new native thread pays the runtime's attach cost on its first callback.
            LibFuse.LoopConfigSetIdleThreads(config, threads);
            result = LibFuse.LoopMultiThreaded(_fuse, config);
            LibFuse.LoopConfigDestroy(config);
        }
        catch (Exception e)
        {
            error = e;
        }
        _loopEnded = true;
        try
        {
            DestroySession();
        }
        catch (Exception e)
        {
            error ??= e;
        }
        if (error != null) _completion.TrySetException(error);
        else if (result != 0) _completion.TrySetException(new IOException($"the FUSE loop for '{MountPoint}' ended with error {result}"));
        else _completion.TrySetResult();
    }

    /// <summary>
    /// Unmounts: umount2 is retried while the mount is busy (open files, working directories) until
    /// <paramref name="wait"/> has passed, then the mount is detached lazily (gone from the namespace at once,
    /// served until the last open file is closed; <see cref="Completion"/> tells when). Returns true when the
    /// non-lazy unmount succeeded (or the mount was already gone), false when it had to be detached.
    /// Must not be called from inside a filesystem callback.
    /// </summary>
    public bool Unmount(TimeSpan wait)
    {
        bool clean;
        lock (_teardownLock)
        {
            if (_unmountResult is bool previous) return previous;
            clean = UnmountKernel(wait);
            _unmountResult = clean;
        }
        try
        {
            Completion.Wait(clean ? CleanLoopEndTimeout : LazyLoopEndGrace);
        }
        catch (AggregateException)
        {
            // A failed loop is reported through Completion; the unmount itself happened.
        }
        return clean;
    }

    private bool UnmountKernel(TimeSpan wait)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (!StillOurs()) return true; // unmounted from outside: nothing left to do
            if (LibC.Umount2(MountPoint, 0) == 0) return true;
            int errno = Marshal.GetLastPInvokeError();
            if (errno == LibC.EINVAL) return true; // not a mount point any more
            if (errno == LibC.EBUSY && clock.Elapsed < wait)
            {
                Thread.Sleep(Min(BusyRetryInterval, wait - clock.Elapsed));
                continue;
            }
            if (StillOurs() && LibC.Umount2(MountPoint, LibC.MNT_DETACH) != 0)
            {
                int lazyErrno = Marshal.GetLastPInvokeError();
                throw new IOException($"could not unmount '{MountPoint}': {LibC.Describe(errno)}, lazily: {LibC.Describe(lazyErrno)}");
            }
            return false;
        }
    }

    private bool StillOurs()
    {
        if (_loopEnded) return false;
        var entry = MountTable.Find(MountPoint);
        return entry is { IsFuse: true } && (_device == null || entry.Value.Device == _device);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>
    /// Drops the kernel's cached entry, attributes and pages for <paramref name="path"/> (a path inside the
    /// filesystem, starting with "/"), so a change made behind the kernel's back is seen before the
    /// timeouts expire. A path the kernel does not know is ignored. Not from a callback on the same directory.
    /// </summary>
    public void InvalidatePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] utf8 = Encoding.UTF8.GetBytes(path + "\0");
        _fuseInUse.EnterReadLock();
        try
        {
            if (_destroyed || _fuse == IntPtr.Zero) return;
            fixed (byte* p = utf8)
                LibFuse.InvalidatePath(_fuse, p); // -ENOENT (unknown to the kernel) and late calls are harmless
        }
        finally
        {
            _fuseInUse.ExitReadLock();
        }
    }

    /// <summary>Tears down libfuse's session once: fuse_unmount closes /dev/fuse, fuse_destroy calls Destroyed.</summary>
    private void DestroySession()
    {
        lock (_teardownLock)
        {
            _fuseInUse.EnterWriteLock();
            try
            {
                if (_destroyed) return;
                _destroyed = true;
                if (_fuse != IntPtr.Zero)
                {
                    // Unmounts only if the kernel still has the mount (libfuse checks the device first).
                    LibFuse.Unmount(_fuse);
                    LibFuse.Destroy(_fuse);
                    MountSession.Unregister(_fuse);
                    _fuse = IntPtr.Zero;
                }
                FuseArguments.Free(_args);
                _args = null;
                _session.Dispose();
            }
            finally
            {
                _fuseInUse.ExitWriteLock();
            }
        }
    }

    /// <summary>Unmounts at once (lazily if busy) unless already unmounted.</summary>
    public void Dispose()
    {
        if (!Completion.IsCompleted) Unmount(TimeSpan.Zero);
    }
}
