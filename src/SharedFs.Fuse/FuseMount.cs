using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using SharedFs.Fuse.Native;

namespace SharedFs.Fuse;

/// <summary>
/// A live mount of a <see cref="FuseFileSystem"/>: libfuse's multi-threaded low-level loop runs on a dedicated
/// background thread and its workers start the filesystem's calls, which answer whenever they finish. The loop
/// ends when the kernel drops the mount (our <see cref="Unmount"/>, or umount/fusermount3 -u from outside); that
/// thread then destroys the libfuse session and completes <see cref="Completion"/>.
/// </summary>
public sealed unsafe class FuseMount : IDisposable
{
    private static readonly TimeSpan InitTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CleanLoopEndTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LazyLoopEndGrace = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan BusyRetryInterval = TimeSpan.FromMilliseconds(50);

    private readonly MountSession _mountSession;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Unmounting and destroying libfuse's session are not thread-safe: every teardown step holds this lock.
    private readonly Lock _teardownLock = new();
    // Notifications use the session concurrently; destroy must wait for those calls to finish.
    private readonly ReaderWriterLockSlim _sessionInUse = new(LockRecursionPolicy.NoRecursion);
    private IntPtr _session;
    private FuseArgs* _args;
    private string? _device;         // major:minor of our mount, to never unmount somebody else's
    private volatile bool _loopEnded;
    private bool _destroyed;
    private bool? _unmountResult;

    private FuseMount(FuseFileSystem fileSystem, string mountPoint, FuseMountOptions options)
    {
        MountPoint = mountPoint;
        _mountSession = new MountSession(fileSystem, options);
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

    private void Start()
    {
        _args = FuseArguments.Create(_mountSession.Options);
        _session = LibFuse.SessionNew(_args, FuseCallbacks.Pointer, (nuint)sizeof(FuseLowLevelOperations), (void*)_mountSession.HandlePointer);
        if (_session == IntPtr.Zero)
        {
            DestroySession();
            throw new FuseMountException(
                $"libfuse rejected the options '{FuseArguments.OptionString(_mountSession.Options)}' (its message is on stderr)");
        }

        int result;
        fixed (byte* mountPoint = Encoding.UTF8.GetBytes(MountPoint + "\0"))
            result = LibFuse.SessionMount(_session, mountPoint);
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
        Task initialized = _mountSession.Initialized.Task;
        Task.WaitAny([initialized, Completion], InitTimeout);
        string? failure =
            initialized.IsCompletedSuccessfully ? null
            : initialized.IsFaulted ? $"the init callback failed: {initialized.Exception!.InnerException!.Message}"
            : Completion.IsCompleted ? "the FUSE session ended before the kernel initialised it"
            : $"the kernel did not initialise the FUSE connection within {InitTimeout.TotalSeconds:0}s";
        if (failure == null) return;
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
            uint threads = (uint)_mountSession.Options.MaxThreads;
            LibFuse.LoopConfigSetMaxThreads(config, threads);
            // Keep idle workers: a new native thread pays the runtime's attach cost on its first callback.
            LibFuse.LoopConfigSetIdleThreads(config, threads);
            result = LibFuse.SessionLoopMultiThreaded(_session, config);
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
    /// Tells the kernel its cached attributes of <paramref name="inode"/> are stale (and its pages too unless
    /// <paramref name="attributesOnly"/>), so the next use asks again. Safe from inside a call on the same inode only
    /// for attributes (dropping pages waits for page locks a read or write in progress may hold). An inode the
    /// kernel does not know is ignored.
    /// </summary>
    public void InvalidateInode(ulong inode, bool attributesOnly)
    {
        _sessionInUse.EnterReadLock();
        try
        {
            if (_destroyed || _session == IntPtr.Zero) return;
            LibFuse.NotifyInvalidateInode(_session, inode, attributesOnly ? -1 : 0, 0); // -ENOENT (unknown) is harmless
        }
        finally
        {
            _sessionInUse.ExitReadLock();
        }
    }

    /// <summary>
    /// Drops the kernel's cached name <paramref name="name"/> in <paramref name="parent"/>. Not from inside a call
    /// on that directory (the kernel holds its lock while it waits for the answer).
    /// </summary>
    public void InvalidateEntry(ulong parent, string name)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(name + "\0");
        _sessionInUse.EnterReadLock();
        try
        {
            if (_destroyed || _session == IntPtr.Zero) return;
            fixed (byte* p = utf8)
                LibFuse.NotifyInvalidateEntry(_session, parent, p, (nuint)(utf8.Length - 1));
        }
        finally
        {
            _sessionInUse.ExitReadLock();
        }
    }

    /// <summary>Tears down libfuse's session once: fuse_session_unmount closes /dev/fuse, fuse_session_destroy calls Destroyed.</summary>
    private void DestroySession()
    {
        lock (_teardownLock)
        {
            _sessionInUse.EnterWriteLock();
            try
            {
                if (_destroyed) return;
                _destroyed = true;
                if (_session != IntPtr.Zero)
                {
                    // Unmounts only if the kernel still has the mount (libfuse checks the device first).
                    LibFuse.SessionUnmount(_session);
                    LibFuse.SessionDestroy(_session); // calls the filesystem's Destroyed
                    _session = IntPtr.Zero;
                }
                FuseArguments.Free(_args);
                _args = null;
                _mountSession.Dispose();
            }
            finally
            {
                _sessionInUse.ExitWriteLock();
            }
        }
    }

    /// <summary>Unmounts at once (lazily if busy) unless already unmounted.</summary>
    public void Dispose()
    {
        if (!Completion.IsCompleted) Unmount(TimeSpan.Zero);
    }
}
