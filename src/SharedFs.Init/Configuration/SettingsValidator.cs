using SharedFs.FileSystem;
using SharedFs.Init.Native;
using SharedFs.Storage;
using SharedFs.Init.Symlinks;
using SharedFs.Init.Users;

namespace SharedFs.Init.Configuration;

/// <summary>
/// Turns <see cref="RawSettings"/> into <see cref="InitSettings"/> or throws a <see cref="ConfigException"/> whose
/// single line names the variable (or option) that supplied the value, says what is wrong and shows a right value.
/// An empty value counts as unset. The credentials value is never quoted.
/// </summary>
internal static class SettingsValidator
{
    /// <param name="startsTheApp">The app will be started (as SHAREDFS_USER if set, which then needs root).</param>
    /// <param name="accounts">/etc/passwd and /etc/group, or test copies.</param>
    public static InitSettings Validate(RawSettings raw, Func<Setting, string> nameOf, bool singleChild, bool noMount,
        bool startsTheApp = true, AccountFiles? accounts = null)
    {
        ConfigException Invalid(Setting setting, string problem)
        {
            string name = nameOf(setting);
            string example = name.StartsWith("--", StringComparison.Ordinal) ? $"{name} {setting.Example}" : $"{name}={setting.Example}";
            return new ConfigException($"{name}: {problem}; e.g. {example}");
        }

        TimeSpan Duration(Setting setting, string? text, TimeSpan fallback, bool allowZero)
        {
            if (string.IsNullOrEmpty(text)) return fallback;
            if (!DurationParser.TryParse(text, out TimeSpan value))
                throw Invalid(setting, $"\"{text}\" is not a duration (500ms, 1s, 2m or plain seconds like 30)");
            if (value == TimeSpan.Zero && !allowZero) throw Invalid(setting, "must be more than zero");
            return value;
        }

        string AbsoluteDirectory(Setting setting, string? text, string fallback)
        {
            if (string.IsNullOrEmpty(text)) return fallback;
            if (!text.StartsWith('/')) throw Invalid(setting, $"\"{text}\" is not an absolute path");
            if (text.Contains('\0')) throw Invalid(setting, "contains a NUL character");
            string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(text));
            if (full == "/") throw Invalid(setting, "must not be the root directory \"/\"");
            return full;
        }

        S3Credentials? credentials = null;
        if (!string.IsNullOrEmpty(raw.Credentials))
        {
            credentials = S3Credentials.TryParse(raw.Credentials, out string? problem);
            if (credentials is null) throw Invalid(Setting.Credentials, problem!);
        }
        else if (!noMount)
        {
            throw Invalid(Setting.Credentials, "is not set (it comes with the SharedFS addon; to run without storage pass --no-mount)");
        }

        Uri? endpoint = null;
        if (!string.IsNullOrEmpty(raw.Endpoint))
        {
            endpoint = EndpointRule.TryParse(raw.Endpoint, out string? problem);
            string shown = raw.Endpoint.Contains('@') ? "the URL" : $"\"{raw.Endpoint}\"";
            if (endpoint is null) throw Invalid(Setting.Endpoint, $"{shown} {problem}");
        }
        else if (!noMount)
        {
            throw Invalid(Setting.Endpoint, "is not set: the S3 server's URL is needed to mount the bucket");
        }

        string region = string.IsNullOrEmpty(raw.Region) ? "us-east-1" : raw.Region;
        if (!region.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw Invalid(Setting.Region, $"\"{region}\" may only contain letters, digits, '-' and '_'");

        string mount = AbsoluteDirectory(Setting.Mount, raw.Mount, "/storage");
        string appRoot = AbsoluteDirectory(Setting.AppRoot, raw.AppRoot, Path.TrimEndingDirectorySeparator(Directory.GetCurrentDirectory()));
        if (RelativePathRule.IsSameOrBelow(appRoot, mount))
            throw Invalid(Setting.Mount, $"the app root \"{appRoot}\" must not be inside the mount \"{mount}\"");
        string? staging = string.IsNullOrEmpty(raw.StagingDir) ? null : AbsoluteDirectory(Setting.StagingDir, raw.StagingDir, "");
        if (staging is not null && RelativePathRule.IsSameOrBelow(staging, mount))
            throw Invalid(Setting.StagingDir, $"\"{staging}\" must not be inside the mount \"{mount}\"");

        WriteBackMode writeBack = raw.WriteBack?.Trim().ToLowerInvariant() switch
        {
            "on" or "true" or "yes" or "1" => WriteBackMode.On,
            null or "" or "off" or "false" or "no" or "0" => WriteBackMode.Off,
            _ => throw Invalid(Setting.WriteBack, $"\"{raw.WriteBack}\" is not on or off (off, the default, makes close() wait for the bucket)"),
        };

        long? quota = null;
        if (!string.IsNullOrEmpty(raw.Quota))
        {
            if (!SizeParser.TryParse(raw.Quota, out long bytes))
                throw Invalid(Setting.Quota, $"\"{raw.Quota}\" is not a size (a number of bytes, or with k, m, g or t: 500m, 5g)");
            if (bytes <= 0) throw Invalid(Setting.Quota, "must be more than zero");
            quota = bytes;
        }

        AppUser? user = null;
        if (!string.IsNullOrEmpty(raw.User))
        {
            user = UserSpec.TryResolve(raw.User, accounts ?? AccountFiles.System, out string? problem);
            if (user is null) throw Invalid(Setting.User, problem!);
            if (startsTheApp && Libc.geteuid() is var euid and not 0)
                throw Invalid(Setting.User, $"starting the app as another user needs root, and sharedfs-init runs as uid {euid}: " +
                                            "start it as root (it mounts as root, then starts the app as that user)");
        }

        SignatureVersion signature = raw.Signature?.Trim().ToLowerInvariant() switch
        {
            null or "" or "v4" => SignatureVersion.V4,
            "v2" => SignatureVersion.V2,
            _ => throw Invalid(Setting.Signature, $"\"{raw.Signature}\" is not v2 or v4 (v4, the default, suits every current provider; v2 only servers that need it)"),
        };

        return new InitSettings
        {
            Credentials = credentials,
            Symlinks = ParseSymlinks(raw.Symlinks, problem => Invalid(Setting.Symlinks, problem)),
            Endpoint = endpoint,
            Region = region,
            MountPath = mount,
            AppRoot = appRoot,
            CacheTtl = Duration(Setting.CacheTtl, raw.CacheTtl, TimeSpan.FromSeconds(1), allowZero: true),
            ReadyTimeout = Duration(Setting.ReadyTimeout, raw.ReadyTimeout, TimeSpan.FromSeconds(30), allowZero: false),
            StopTimeout = Duration(Setting.StopTimeout, raw.StopTimeout, TimeSpan.FromSeconds(25), allowZero: true),
            StagingDirectory = staging,
            WriteBack = writeBack,
            Quota = quota,
            User = user,
            Signature = signature,
            SingleChild = singleChild,
            NoMount = noMount,
        };
    }

    private static List<string> ParseSymlinks(string? text, Func<string, ConfigException> invalid)
    {
        if (string.IsNullOrEmpty(text)) return [];
        var paths = new List<string>();
        foreach (string path in text.Split(':'))
        {
            if (RelativePathRule.Check(path) is { } problem) throw invalid(problem);
            if (paths.Contains(path)) continue;
            if (paths.FirstOrDefault(p => RelativePathRule.IsSameOrBelow(path, p) || RelativePathRule.IsSameOrBelow(p, path)) is { } other)
                throw invalid($"\"{path}\" and \"{other}\" overlap; list only the outer one");
            paths.Add(path);
        }
        return paths;
    }
}
