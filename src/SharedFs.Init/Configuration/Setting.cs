namespace SharedFs.Init.Configuration;

/// <summary>
/// One configurable value: its environment variable (also the configuration key), its command-line option
/// and an example of a right value, used in error messages.
/// </summary>
internal sealed record Setting(string Variable, string Option, string Example)
{
    public static readonly Setting Credentials = new("SCALINGO_SHAREDFS_CREDENTIALS", "--credentials", "AKIAEXAMPLE:wJalrXUtnFEMIK7MDENG:my-bucket");
    public static readonly Setting Symlinks = new("SCALINGO_SHAREDFS_SYMLINKS", "--symlinks", "public/uploads:var/data");
    public static readonly Setting Endpoint = new("SHAREDFS_ENDPOINT", "--endpoint", "https://s3.fr-par.scw.cloud");
    public static readonly Setting Region = new("SHAREDFS_REGION", "--region", "us-east-1");
    public static readonly Setting Mount = new("SHAREDFS_MOUNT", "--mount", "/storage");
    public static readonly Setting AppRoot = new("SHAREDFS_APP_ROOT", "--app-root", "/app");
    public static readonly Setting CacheTtl = new("SHAREDFS_CACHE_TTL", "--cache-ttl", "1s");
    public static readonly Setting ReadyTimeout = new("SHAREDFS_READY_TIMEOUT", "--ready-timeout", "30s");
    public static readonly Setting StopTimeout = new("SHAREDFS_STOP_TIMEOUT", "--stop-timeout", "25s");
    public static readonly Setting StagingDir = new("SHAREDFS_STAGING_DIR", "--staging-dir", "/tmp/sharedfs-staging");
    public static readonly Setting WriteBack = new("SHAREDFS_WRITE_BACK", "--write-back", "off");
    public static readonly Setting Quota = new("SHAREDFS_QUOTA", "--quota", "5g");
    public static readonly Setting User = new("SHAREDFS_USER", "--user", "www-data");
    public static readonly Setting Signature = new("SHAREDFS_SIGNATURE", "--signature", "v4");

    public static IReadOnlyList<Setting> All { get; } =
        [Credentials, Symlinks, Endpoint, Region, Mount, AppRoot, CacheTtl, ReadyTimeout, StopTimeout, StagingDir, WriteBack, Quota, User, Signature];
}
