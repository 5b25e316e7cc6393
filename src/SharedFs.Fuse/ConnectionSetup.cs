using SharedFs.Fuse.Native;

namespace SharedFs.Fuse;

/// <summary>What the init callback negotiates with the kernel.</summary>
internal static unsafe class ConnectionSetup
{
    public static void Apply(FuseMountOptions options, FuseConnInfo* connection)
    {
        connection->MaxWrite = options.MaxWrite;
        connection->MaxReadahead = Math.Min(options.MaxReadAhead, connection->MaxReadahead);
        // Only ask for what the kernel offers: libfuse aborts the mount on an unsupported want bit.
        connection->Want |= connection->Capable & (FuseConnInfo.CapAsyncRead | FuseConnInfo.CapReaddirPlus
            | FuseConnInfo.CapAtomicOTrunc | FuseConnInfo.CapParallelDirops);
        // Always readdirplus (not the adaptive mode): listings carry attributes and save a lookup per entry.
        connection->Want &= ~FuseConnInfo.CapReaddirPlusAuto;
        // The kernel clears set-user-ID and set-group-ID itself (as an explicit mode change) on a write or chown by
        // someone else: the filesystem then never has to guess when POSIX wants them gone.
        connection->Want &= ~FuseConnInfo.CapHandleKillPriv;
    }
}
