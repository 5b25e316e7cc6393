using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using SharedFs.Init.Native;
using SharedFs.Init.Users;

namespace SharedFs.Init.Symlinks;

/// <summary>
/// The owner of what the symlinks put in storage when the app runs as another user (SHAREDFS_USER): the directories
/// they create, the migrated files and each link's target, so that the app can write in its own folders. The init
/// does this work as root, so without it all of that would be root's. Failures are IOExceptions, reported by the
/// builder like any other failure to link.
/// </summary>
internal readonly record struct StorageOwner(uint Uid, uint Gid)
{
    public static StorageOwner? For(AppUser? user) => user is null ? null : new StorageOwner(user.Ids.Uid, user.Ids.Gid);

    public bool Owns(string path) =>
        Libc.Owner(path) is var (uid, gid) ? uid == Uid && gid == Gid : throw Failure("cannot read the owner of", path);

    public void ApplyTo(string path)
    {
        if (Libc.lchown(path, Uid, Gid) != 0) throw Failure($"cannot give to uid {Uid}, gid {Gid}", path);
    }

    /// <summary>On an open file: the owner then travels with its upload, where a change after the close costs a request.</summary>
    public void ApplyTo(SafeFileHandle file, string path)
    {
        if (Libc.fchown(file, Uid, Gid) != 0) throw Failure($"cannot give to uid {Uid}, gid {Gid}", path);
    }

    private static IOException Failure(string what, string path) => new($"{what} \"{path}\": {Marshal.GetPInvokeErrorMessage(Libc.LastErrno)}");
}
