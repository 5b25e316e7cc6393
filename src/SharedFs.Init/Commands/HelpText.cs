using System.Reflection;

namespace SharedFs.Init.Commands;

internal static class HelpText
{
    public static string Version
    {
        get
        {
            string version = typeof(HelpText).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            int plus = version.IndexOf('+');
            return "sharedfs-init " + (plus > 0 ? version[..plus] : version);
        }
    }

    public const string Usage = """
        Usage:
          sharedfs-init [options] -- COMMAND [ARGS...]   mount the bucket, build the symlinks, run COMMAND as PID 1
          sharedfs-init mount [options]                  mount in the foreground until SIGINT/SIGTERM
          sharedfs-init s3cfg [options]                  print a .s3cfg for s3cmd (contains the secret key)
          sharedfs-init check [options]                  validate the configuration and reach the bucket

        Options (each also read from the environment variable shown; options win):
          --credentials KEY:SECRET:BUCKET  SCALINGO_SHAREDFS_CREDENTIALS  the secret may contain ':'
          --symlinks PATH[:PATH...]        SCALINGO_SHAREDFS_SYMLINKS     app directories to keep in storage
          --endpoint URL                   SHAREDFS_ENDPOINT              S3 server, http:// or https://
          --region NAME                    SHAREDFS_REGION                default us-east-1
          --mount PATH                     SHAREDFS_MOUNT                 default /storage
          --app-root PATH                  SHAREDFS_APP_ROOT              default: the working directory
          --cache-ttl DURATION             SHAREDFS_CACHE_TTL             default 1s
          --ready-timeout DURATION         SHAREDFS_READY_TIMEOUT         default 30s
          --stop-timeout DURATION          SHAREDFS_STOP_TIMEOUT          default 25s
          --staging-dir PATH               SHAREDFS_STAGING_DIR           where writes are staged before upload
          --write-back on|off              SHAREDFS_WRITE_BACK            off (default): close() and unlink() return once
                                                                          the bucket has the change; on (bulk imports):
                                                                          once queued (fsync waits; SIGKILL loses the queue)
          --user USER[:GROUP]              SHAREDFS_USER                  run the app as USER (name or uid) with its groups,
                                                                          or with GROUP only; needs root (mounts first)
          --signature v2|v4                SHAREDFS_SIGNATURE             v4 (default); v2 for servers that need it (old Ceph, EMC, swift3)
          --single-child                   signal only the app, not its process group
          -h, --help                       print this help
          -V, --version                    print the version

        Durations: 500ms, 1s, 2m, or plain seconds (30).
        Exit status: the app's, or 128+N when signal N killed it; 126/127 when COMMAND cannot run;
        2 for an invalid configuration; 1 when start-up fails (nothing was started).
        """;
}
