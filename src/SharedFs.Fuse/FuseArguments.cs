using System.Runtime.InteropServices;
using System.Text;
using SharedFs.Fuse.Native;

namespace SharedFs.Fuse;

/// <summary>Builds the argv given to fuse_session_new: the mount (-o) options derived from FuseMountOptions.</summary>
internal static unsafe class FuseArguments
{
    /// <summary>The comma-separated -o list; commas and backslashes inside values are escaped for fuse_opt.</summary>
    public static string OptionString(FuseMountOptions options)
    {
        var parts = new List<string> { "fsname=" + Escape(options.FsName), "subtype=" + Escape(options.Subtype) };
        if (options.AllowOther) parts.Add("allow_other");
        if (options.DefaultPermissions) parts.Add("default_permissions");
        parts.AddRange(options.ExtraOptions);
        return string.Join(',', parts);
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace(",", "\\,");

    /// <summary>A native fuse_args (libfuse copies each string); release with <see cref="Free"/>.</summary>
    public static FuseArgs* Create(FuseMountOptions options)
    {
        var args = (FuseArgs*)NativeMemory.AllocZeroed((nuint)sizeof(FuseArgs));
        foreach (string arg in new[] { "sharedfs", "-o", OptionString(options) })
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(arg + "\0");
            fixed (byte* p = utf8)
            {
                if (LibFuse.OptAddArg(args, p) != 0)
                {
                    Free(args);
                    throw new OutOfMemoryException("fuse_opt_add_arg failed");
                }
            }
        }
        return args;
    }

    public static void Free(FuseArgs* args)
    {
        if (args == null) return;
        LibFuse.OptFreeArgs(args);
        NativeMemory.Free(args);
    }
}
