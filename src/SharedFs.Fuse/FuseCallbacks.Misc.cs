using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using SharedFs.Fuse.Native;

namespace SharedFs.Fuse;

/// <summary>statfs and extended attributes (getxattr and listxattr answer a size query when the caller's buffer is 0).</summary>
internal static unsafe partial class FuseCallbacks
{
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void StatFs(IntPtr request, ulong inode)
    {
        var fs = FileSystemOf(request);
        var context = ContextOf(request);
        Replies.Complete(request, "statfs", () => fs.StatFsAsync(context, inode), static (r, stats) =>
        {
            NativeStatVfs native;
            NativeConversions.ToNative(stats, &native);
            LibFuse.ReplyStatFs(r, &native);
        });
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void SetXAttr(IntPtr request, ulong inode, byte* name, byte* value, nuint size, int flags)
    {
        var fs = FileSystemOf(request);
        var (context, text, copy) = (ContextOf(request), Text(name), new ReadOnlySpan<byte>(value, (int)size).ToArray());
        Replies.Complete(request, "setxattr", () => fs.SetExtendedAttributeAsync(context, inode, text, copy, flags));
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void GetXAttr(IntPtr request, ulong inode, byte* name, nuint size)
    {
        var fs = FileSystemOf(request);
        var (context, text) = (ContextOf(request), Text(name));
        Replies.Complete(request, "getxattr", () => fs.GetExtendedAttributeAsync(context, inode, text), (r, value) => ReplySized(r, value, size));
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void ListXAttr(IntPtr request, ulong inode, nuint size)
    {
        var fs = FileSystemOf(request);
        var context = ContextOf(request);
        Replies.Complete(request, "listxattr", () => fs.ListExtendedAttributesAsync(context, inode), (r, names) => ReplySized(r, names, size));
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void RemoveXAttr(IntPtr request, ulong inode, byte* name)
    {
        var fs = FileSystemOf(request);
        var (context, text) = (ContextOf(request), Text(name));
        Replies.Complete(request, "removexattr", () => fs.RemoveExtendedAttributeAsync(context, inode, text));
    }

    /// <summary>size 0 asks how big the value is; a value bigger than the caller's buffer is ERANGE.</summary>
    private static void ReplySized(IntPtr request, byte[] value, nuint size)
    {
        if (size == 0) LibFuse.ReplyXAttrSize(request, (nuint)value.Length);
        else if ((nuint)value.Length > size) LibFuse.ReplyError(request, Errno.ERANGE);
        else Replies.Bytes(request, value);
    }
}
