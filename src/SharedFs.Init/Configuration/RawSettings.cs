using Microsoft.Extensions.Configuration;

namespace SharedFs.Init.Configuration;

/// <summary>
/// The configuration as text, bound by the source-generated binder (AOT-safe). The keys are the environment
/// variable names; command-line options are mapped onto the same keys so that they override the environment.
/// Parsing and validation happen afterwards, in <see cref="SettingsValidator"/>, so errors name the source.
/// </summary>
internal sealed class RawSettings
{
    [ConfigurationKeyName("SCALINGO_SHAREDFS_CREDENTIALS")] public string? Credentials { get; set; }
    [ConfigurationKeyName("SCALINGO_SHAREDFS_SYMLINKS")] public string? Symlinks { get; set; }
    [ConfigurationKeyName("SHAREDFS_ENDPOINT")] public string? Endpoint { get; set; }
    [ConfigurationKeyName("SHAREDFS_REGION")] public string? Region { get; set; }
    [ConfigurationKeyName("SHAREDFS_MOUNT")] public string? Mount { get; set; }
    [ConfigurationKeyName("SHAREDFS_APP_ROOT")] public string? AppRoot { get; set; }
    [ConfigurationKeyName("SHAREDFS_CACHE_TTL")] public string? CacheTtl { get; set; }
    [ConfigurationKeyName("SHAREDFS_READY_TIMEOUT")] public string? ReadyTimeout { get; set; }
    [ConfigurationKeyName("SHAREDFS_STOP_TIMEOUT")] public string? StopTimeout { get; set; }
    [ConfigurationKeyName("SHAREDFS_STAGING_DIR")] public string? StagingDir { get; set; }
    [ConfigurationKeyName("SHAREDFS_WRITE_BACK")] public string? WriteBack { get; set; }
    [ConfigurationKeyName("SHAREDFS_QUOTA")] public string? Quota { get; set; }
    [ConfigurationKeyName("SHAREDFS_USER")] public string? User { get; set; }
    [ConfigurationKeyName("SHAREDFS_SIGNATURE")] public string? Signature { get; set; }
}
