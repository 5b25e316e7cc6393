namespace SharedFs.Fuse;

/// <summary>Who made the current request (fuse_get_context), valid only inside a callback.</summary>
public readonly record struct FuseRequestContext(uint Uid, uint Gid, int Pid, uint Umask);
