using SharedFs.Fuse.Native;

namespace SharedFs.Fuse;

/// <summary>What the init callback negotiates: libfuse's path-layer config and the kernel connection.</summary>
internal static unsafe class ConnectionSetup
{
    public static void Apply(FuseMountOptions options, FuseConnInfo* connection, FuseConfig* config)
    {
        config->EntryTimeout = options.EntryTimeout.TotalSeconds;
        config->AttrTimeout = options.AttributeTimeout.TotalSeconds;
        config->NegativeTimeout = options.NegativeTimeout.TotalSeconds;
        config->AutoCache = options.AutoCache ? 1 : 0;
        config->UseIno = 0;     // libfuse numbers the inodes; FileStat.Inode is informational only
        config->NullPathOk = 0; // always resolve a path (even for open files) …
        // … except for files unlinked while open: hard_remove drops them at once instead of renaming them
        // to .fuse_hidden* (a rename is a copy on object storage). Their later calls get the path "".
        config->HardRemove = 1;
        config->Intr = 0;

        connection->MaxWrite = options.MaxWrite;
        connection->MaxReadahead = Math.Min(options.MaxReadAhead, connection->MaxReadahead);
        // Only ask for what the kernel offers: libfuse aborts the mount on an unsupported want bit.
        connection->Want |= connection->Capable & (FuseConnInfo.CapAsyncRead | FuseConnInfo.CapReaddirPlus);
        // Always readdirplus (not the adaptive mode): listings carry attributes and save a lookup per entry.
        connection->Want &= ~FuseConnInfo.CapReaddirPlusAuto;
    }
}
