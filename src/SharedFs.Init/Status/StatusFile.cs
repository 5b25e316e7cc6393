using System.Security.Cryptography;
using System.Text;
using SharedFs.Init.Configuration;
using SharedFs.Init.Mounting;

namespace SharedFs.Init.Status;

/// <summary>
/// Where a running mount keeps its figures for `sharedfs-init status`: in the staging folder (0700, root's), one
/// file per mount point (several mounts may share a staging folder), written whole and renamed into place.
/// </summary>
internal static class StatusFile
{
    public static string PathFor(InitSettings settings)
    {
        var folder = SharedFsMounter.ToOptions(settings).StagingDirectory;
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(settings.MountPath)))[..12];
        return Path.Combine(folder, $"status-{id}.json");
    }

    public static void Write(string path, byte[] json)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            file.Write(json);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
