using System.Text.Json;
using SharedFs.Init.Configuration;
using SharedFs.Init.Logging;
using SharedFs.Init.Status;

namespace SharedFs.Init.Commands;

/// <summary>
/// "sharedfs-init status [--json]": the running mount's figures (from its status file, root's only), in a few human
/// lines or as JSON. Exit 1, with one line, when no mount with these settings is running.
/// </summary>
internal static class StatusCommand
{
    public static int Run(InitSettings settings, bool json, TextWriter output, Log log)
    {
        var path = StatusFile.PathFor(settings);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            log.Error($"no mount of {settings.MountPath} is running here (no status file {path}); " +
                      "give status the same SHAREDFS_MOUNT and SHAREDFS_STAGING_DIR as the running sharedfs-init");
            return 1;
        }
        catch (UnauthorizedAccessException)
        {
            log.Error($"the status file {path} is root's: run sharedfs-init status as root");
            return 1;
        }
        using var document = JsonDocument.Parse(bytes);
        var pid = document.RootElement.GetProperty("pid").GetInt32();
        if (!Directory.Exists($"/proc/{pid}"))
        {
            log.Error($"the mount of {settings.MountPath} that wrote {path} (pid {pid}) is no longer running");
            return 1;
        }
        if (json) output.Write(System.Text.Encoding.UTF8.GetString(bytes) + "\n");
        else output.Write(StatusText.Render(document.RootElement));
        return 0;
    }
}
