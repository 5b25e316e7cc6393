using SharedFs.Fuse;
using SharedFs.Init.Configuration;
using SharedFs.Storage;

namespace SharedFs.Init.Mounting;

/// <summary>
/// The setting to fix after a failed mount, appended to the error line: the storage and FUSE layers say what went
/// wrong, but only the init knows which variable supplied the value.
/// </summary>
internal static class MountFailureHint
{
    public static string For(Exception e) => e switch
    {
        StorageException { Certificate: { } certificate } => "; " + CertificateHint.Fix(certificate),
        StorageException { Kind: StorageErrorKind.InvalidCredentials } =>
            $"; fix the access key or secret key in {Setting.Credentials.Variable} (ACCESS_KEY_ID:SECRET_KEY:BUCKET)",
        StorageException { Kind: StorageErrorKind.AccessDenied } =>
            $"; use keys allowed on that bucket in {Setting.Credentials.Variable}",
        StorageException { Kind: StorageErrorKind.NoSuchBucket } =>
            $"; fix the bucket name (after the last ':') in {Setting.Credentials.Variable}",
        StorageException { Kind: StorageErrorKind.Unavailable } =>
            $"; check {Setting.Endpoint.Variable} and that the server is reachable",
        StorageException => $"; check {Setting.Endpoint.Variable} and {Setting.Credentials.Variable}",
        FuseMountException f when f.Message.Contains("/dev/fuse", StringComparison.Ordinal) => "",
        IOException or UnauthorizedAccessException or FuseMountException or InvalidOperationException =>
            $"; {Setting.Mount.Variable} must be an empty directory (or a path that can be created) with nothing mounted on it",
        _ => "",
    };
}
