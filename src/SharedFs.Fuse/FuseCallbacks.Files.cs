using System.Runtime.InteropServices;
using System.Buffers;
using System.Runtime.CompilerServices;
using SharedFs.Fuse.Native;

namespace SharedFs.Fuse;

/// <summary>
/// Open files: open, create, read, write, flush, release, fsync, fallocate. The fuse_file_info libfuse passes
/// lives on its worker's stack: an answer given later is built from a copy of it.
/// </summary>
internal static unsafe partial class FuseCallbacks
{
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Open(IntPtr request, ulong inode, NativeFileInfo* info)
    {
        var fs = FileSystemOf(request);
        var (context, flags, copy) = (ContextOf(request), info->Flags, *info);
        Replies.Complete(request, "open", () => fs.OpenAsync(context, inode, flags), (r, open) =>
        {
            var answer = copy;
            Replies.Open(r, open, &answer);
        });
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Create(IntPtr request, ulong parent, byte* name, uint mode, NativeFileInfo* info)
    {
        var fs = FileSystemOf(request);
        var (context, text, flags, copy) = (ContextOf(request), Text(name), info->Flags, *info);
        Replies.Complete(request, "create", () => fs.CreateAsync(context, parent, text, mode, flags), (r, created) =>
        {
            var answer = copy;
            NativeConversions.ToNative(created.Open, &answer);
            NativeEntryParam entry;
            NativeConversions.ToNative(created.Entry, &entry);
            LibFuse.ReplyCreate(r, &entry, &answer);
        });
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Read(IntPtr request, ulong inode, nuint size, long offset, NativeFileInfo* info)
    {
        var fs = FileSystemOf(request);
        var (context, handle) = (ContextOf(request), info->Fh);
        var buffer = ArrayPool<byte>.Shared.Rent((int)size);
        Replies.Complete(request, "read", () => fs.ReadAsync(context, inode, handle, buffer.AsMemory(0, (int)size), offset),
            (r, count) => Replies.Bytes(r, buffer.AsSpan(0, count)), () => ArrayPool<byte>.Shared.Return(buffer));
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Write(IntPtr request, ulong inode, byte* data, nuint size, long offset, NativeFileInfo* info)
    {
        int written;
        try
        {
            written = FileSystemOf(request).Write(ContextOf(request), inode, info->Fh, new ReadOnlySpan<byte>(data, (int)size), offset);
        }
        catch (Exception e)
        {
            written = -CallbackFailures.Report("write", e);
        }
        if (written >= 0) LibFuse.ReplyWrite(request, (nuint)written);
        else LibFuse.ReplyError(request, -written);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Flush(IntPtr request, ulong inode, NativeFileInfo* info)
    {
        var fs = FileSystemOf(request);
        var (context, handle) = (ContextOf(request), info->Fh);
        Replies.Complete(request, "flush", () => fs.FlushAsync(context, inode, handle));
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Release(IntPtr request, ulong inode, NativeFileInfo* info)
    {
        var fs = FileSystemOf(request);
        var (context, handle) = (ContextOf(request), info->Fh);
        Replies.Complete(request, "release", () => fs.ReleaseAsync(context, inode, handle));
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void FSync(IntPtr request, ulong inode, int dataOnly, NativeFileInfo* info)
    {
        var fs = FileSystemOf(request);
        var (context, handle) = (ContextOf(request), info->Fh);
        Replies.Complete(request, "fsync", () => fs.FSyncAsync(context, inode, handle, dataOnly != 0));
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void FAllocate(IntPtr request, ulong inode, int mode, long offset, long length, NativeFileInfo* info)
    {
        var fs = FileSystemOf(request);
        var (context, handle) = (ContextOf(request), info->Fh);
        Replies.Complete(request, "fallocate", () => fs.AllocateAsync(context, inode, handle, mode, offset, length));
    }
}
