using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using SharedFs.Fuse.Native;

namespace SharedFs.Fuse;

/// <summary>Open directories: opendir, readdir, readdirplus, releasedir, fsyncdir.</summary>
internal static unsafe partial class FuseCallbacks
{
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OpenDir(IntPtr request, ulong inode, NativeFileInfo* info)
    {
        var fs = FileSystemOf(request);
        var (context, flags, copy) = (ContextOf(request), info->Flags, *info);
        Replies.Complete(request, "opendir", () => fs.OpenDirectoryAsync(context, inode, flags), (r, open) =>
        {
            var answer = copy;
            Replies.Open(r, open, &answer);
        });
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void ReadDir(IntPtr request, ulong inode, nuint size, long offset, NativeFileInfo* info) =>
        ReadDirectory(request, inode, size, offset, info->Fh, plus: false);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void ReadDirPlus(IntPtr request, ulong inode, nuint size, long offset, NativeFileInfo* info) =>
        ReadDirectory(request, inode, size, offset, info->Fh, plus: true);

    private static void ReadDirectory(IntPtr request, ulong inode, nuint size, long offset, ulong handle, bool plus)
    {
        var fs = FileSystemOf(request);
        var context = ContextOf(request);
        var buffer = new DirectoryBuffer(request, size, plus);
        Replies.Complete(request, plus ? "readdirplus" : "readdir", () => fs.ReadDirectoryAsync(context, inode, handle, offset, buffer),
            r => LibFuse.ReplyBuffer(r, buffer.Data, buffer.Length), buffer.Dispose);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void ReleaseDir(IntPtr request, ulong inode, NativeFileInfo* info)
    {
        var fs = FileSystemOf(request);
        var (context, handle) = (ContextOf(request), info->Fh);
        Replies.Complete(request, "releasedir", () => fs.ReleaseDirectoryAsync(context, inode, handle));
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void FSyncDir(IntPtr request, ulong inode, int dataOnly, NativeFileInfo* info)
    {
        var fs = FileSystemOf(request);
        var (context, handle) = (ContextOf(request), info->Fh);
        Replies.Complete(request, "fsyncdir", () => fs.FSyncDirectoryAsync(context, inode, handle, dataOnly != 0));
    }
}
