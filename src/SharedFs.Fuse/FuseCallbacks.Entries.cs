using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using System.Text;
using SharedFs.Fuse.Native;

namespace SharedFs.Fuse;

/// <summary>Names and attributes: lookup, forget, getattr, setattr, readlink, mknod, mkdir, unlink, rmdir, symlink, rename, link.</summary>
internal static unsafe partial class FuseCallbacks
{
    private static readonly Action<IntPtr, FuseEntry> ReplyEntry = static (request, entry) => Replies.Entry(request, entry);
    private static readonly Action<IntPtr, FuseAttributes> ReplyAttributes = static (request, attributes) => Replies.Attributes(request, attributes);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Lookup(IntPtr request, ulong parent, byte* name)
    {
        var fs = FileSystemOf(request);
        var (context, text) = (ContextOf(request), Text(name));
        Replies.Complete(request, "lookup", () => fs.LookupAsync(context, parent, text), ReplyEntry);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Forget(IntPtr request, ulong inode, ulong count)
    {
        try
        {
            FileSystemOf(request).Forget(inode, count);
        }
        catch (Exception e)
        {
            CallbackFailures.Report("forget", e);
        }
        LibFuse.ReplyNone(request);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void ForgetMulti(IntPtr request, nuint count, NativeForget* forgets)
    {
        try
        {
            var fs = FileSystemOf(request);
            for (nuint i = 0; i < count; i++) fs.Forget(forgets[i].Ino, forgets[i].Count);
        }
        catch (Exception e)
        {
            CallbackFailures.Report("forget", e);
        }
        LibFuse.ReplyNone(request);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void GetAttr(IntPtr request, ulong inode, NativeFileInfo* info)
    {
        var fs = FileSystemOf(request);
        var (context, handle) = (ContextOf(request), NativeConversions.HandleOf(info));
        Replies.Complete(request, "getattr", () => fs.GetAttributesAsync(context, inode, handle), ReplyAttributes);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void SetAttr(IntPtr request, ulong inode, NativeStat* attr, int toSet, NativeFileInfo* info)
    {
        var fs = FileSystemOf(request);
        var (context, handle, changes) = (ContextOf(request), NativeConversions.HandleOf(info), NativeConversions.ToChanges(attr, toSet));
        Replies.Complete(request, "setattr", () => fs.SetAttributesAsync(context, inode, changes, handle), ReplyAttributes);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void ReadLink(IntPtr request, ulong inode)
    {
        var fs = FileSystemOf(request);
        var context = ContextOf(request);
        Replies.Complete(request, "readlink", () => fs.ReadLinkAsync(context, inode), static (r, target) =>
        {
            fixed (byte* text = Encoding.UTF8.GetBytes(target + "\0")) LibFuse.ReplyReadLink(r, text);
        });
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void MkNod(IntPtr request, ulong parent, byte* name, uint mode, ulong device)
    {
        var fs = FileSystemOf(request);
        var (context, text) = (ContextOf(request), Text(name));
        Replies.Complete(request, "mknod", () => fs.MakeNodeAsync(context, parent, text, mode, device), ReplyEntry);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void MkDir(IntPtr request, ulong parent, byte* name, uint mode)
    {
        var fs = FileSystemOf(request);
        var (context, text) = (ContextOf(request), Text(name));
        Replies.Complete(request, "mkdir", () => fs.MakeDirectoryAsync(context, parent, text, mode), ReplyEntry);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Unlink(IntPtr request, ulong parent, byte* name)
    {
        var fs = FileSystemOf(request);
        var (context, text) = (ContextOf(request), Text(name));
        Replies.Complete(request, "unlink", () => fs.UnlinkAsync(context, parent, text));
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void RmDir(IntPtr request, ulong parent, byte* name)
    {
        var fs = FileSystemOf(request);
        var (context, text) = (ContextOf(request), Text(name));
        Replies.Complete(request, "rmdir", () => fs.RemoveDirectoryAsync(context, parent, text));
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Symlink(IntPtr request, byte* target, ulong parent, byte* name)
    {
        var fs = FileSystemOf(request);
        var (context, targetText, text) = (ContextOf(request), Text(target), Text(name));
        Replies.Complete(request, "symlink", () => fs.SymlinkAsync(context, targetText, parent, text), ReplyEntry);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Rename(IntPtr request, ulong parent, byte* name, ulong newParent, byte* newName, uint flags)
    {
        var fs = FileSystemOf(request);
        var (context, from, to) = (ContextOf(request), Text(name), Text(newName));
        Replies.Complete(request, "rename", () => fs.RenameAsync(context, parent, from, newParent, to, flags));
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Link(IntPtr request, ulong inode, ulong newParent, byte* newName)
    {
        var fs = FileSystemOf(request);
        var (context, text) = (ContextOf(request), Text(newName));
        Replies.Complete(request, "link", () => fs.LinkAsync(context, inode, newParent, text), ReplyEntry);
    }
}
