using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using CsCheck;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using SharedFs.FileSystem;
using SharedFs.Storage;

namespace SharedFs.Reliability.Tests;

/// <summary>
/// Property-based fuzzing (CsCheck) of the two parsers that take outside input: the configuration (credentials,
/// durations, endpoint, symlink list) and the listing decoder that turns keys into directory entries. Both are
/// internal: they are reached by reflection, exactly as the executable calls them.
/// </summary>
public sealed class FuzzTests
{
    private const string SecretMarker = "S3CR3T";

    private static readonly Assembly InitAssembly = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "sharedfs-init.dll"));
    private static readonly MethodInfo Load = InitAssembly.GetType("SharedFs.Init.Configuration.SettingsLoader", true)!
        .GetMethod("Load", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly Type ConfigException = InitAssembly.GetType("SharedFs.Init.Configuration.ConfigException", true)!;

    private static Gen<string> Pick(params string[] choices) => Gen.Int[0, choices.Length - 1].Select(i => choices[i]);

    private static readonly Gen<string> Noise = Gen.String[Gen.Char[" :/\\.-_@?#%+=\n\t\0é日🙂AZaz09"], 0, 12];
    private static readonly Gen<string> Any = Gen.OneOf(Noise, Gen.String[0, 40], Gen.Const(""));

    private static readonly Gen<string> Credentials =
        Gen.Select(Any, Gen.String[Gen.Char.AlphaNumeric, 1, 20], Gen.OneOf(Any, Gen.String[Gen.Char["abc019.-"], 1, 70]), Gen.Int[0, 5],
            (access, secret, bucket, shape) =>
            {
                var s = SecretMarker + secret; // recognisable: must never be echoed
                return shape switch
                {
                    0 => $"{access}:{s}:{bucket}",
                    1 => $"{access}:{s}",
                    2 => s,
                    3 => $"{access}:{s}:{s}:{bucket}",
                    4 => $":{s}:",
                    _ => $"{access}{s}{bucket}",
                };
            });

    private static readonly Gen<string> Duration = Gen.OneOf(Any,
        Gen.Select(Gen.Double[-1e9, 1e12], Pick("", "ms", "s", "m", "h", "d", "S", " s", "e5"), (n, u) => n.ToString(System.Globalization.CultureInfo.InvariantCulture) + u),
        Pick("NaN", "Infinity", "1e400", "-0", "0x10", "1_000", "٣s", "1.5.5s", "9999999999999999999999h"));

    private static readonly Gen<string> Endpoint = Gen.OneOf(Any,
        Gen.Select(Pick("http://", "https://", "ftp://", "", "http:/", "file://", "HTTP://"), Noise, Pick("", ":0", ":65536", ":99999", ":80", "/path", "?q", "#f"),
            (scheme, host, tail) => scheme + host + tail),
        Pick("http://user:" + SecretMarker + "pw@host/", "http://[::1]:9000", "http://%00/", "http://a b/"));

    private static readonly Gen<string> Symlinks = Gen.OneOf(Any,
        Gen.Select(Pick("..", ".", "", "/", "a", "public", "uploads", "a/b", "~", "-", " ", "a/../b", "//", "\0"), Gen.Int[0, 4]).Array[0, 5]
            .Select(parts => string.Join(":", parts.Select(p => p.Item1))));

    [Fact]
    public void Configuration_parser_only_ever_throws_its_config_error_and_never_echoes_the_secret()
    {
        var gen = Gen.Select(Credentials, Gen.Select(Endpoint, Duration, Duration, Duration), Symlinks, Gen.Select(Any, Any, Any, Gen.Bool),
            (credentials, timing, symlinks, paths) => (credentials, timing.Item1, timing.Item2, timing.Item3, timing.Item4, symlinks, paths.Item1, paths.Item2, paths.Item3, paths.Item4));
        gen.Sample(input =>
        {
            var (credentials, endpoint, ttl, ready, stop, symlinks, mount, appRoot, region, asOptions) = input;
            var values = new Dictionary<string, string?>
            {
                ["SCALINGO_SHAREDFS_CREDENTIALS"] = credentials,
                ["SHAREDFS_ENDPOINT"] = endpoint,
                ["SHAREDFS_CACHE_TTL"] = ttl,
                ["SHAREDFS_READY_TIMEOUT"] = ready,
                ["SHAREDFS_STOP_TIMEOUT"] = stop,
                ["SCALINGO_SHAREDFS_SYMLINKS"] = symlinks,
                ["SHAREDFS_MOUNT"] = mount.Length > 0 && mount[0] != '/' ? "/" + mount : mount,
                ["SHAREDFS_APP_ROOT"] = appRoot,
                ["SHAREDFS_REGION"] = region,
            };
            IReadOnlyList<string> options = asOptions ? ["--credentials", credentials, "--cache-ttl", ttl] : [];
            var environment = new MemoryConfigurationSource { InitialData = values };
            object? settings;
            try
            {
                // Reflection fills no optional parameter: startsTheApp and the account files are given as their defaults.
                settings = Load.Invoke(null, [options, false, false, environment, true, null]);
            }
            catch (TargetInvocationException e) when (e.InnerException is { } inner)
            {
                if (inner.GetType() != ConfigException)
                    throw new InvalidOperationException($"threw {inner.GetType().Name} (not the config error): {inner.Message}", inner);
                var secret = credentials.Contains(SecretMarker) ? credentials[credentials.IndexOf(SecretMarker, StringComparison.Ordinal)..].Split(':')[0] : SecretMarker;
                if (inner.Message.Contains(SecretMarker, StringComparison.Ordinal) || (secret.Length > 8 && inner.Message.Contains(secret, StringComparison.Ordinal)))
                    throw new InvalidOperationException($"the error echoes the secret: {inner.Message}");
                if (inner.Message.Contains('\n'))
                    throw new InvalidOperationException($"the error is not one line: {inner.Message}");
                return;
            }
            // Accepted: the symlinks are relative paths inside the app root, without '.' or '..' segments.
            foreach (string link in (IEnumerable)settings!.GetType().GetProperty("Symlinks")!.GetValue(settings)!)
            {
                if (link.Length == 0 || link.StartsWith('/') || link.Split('/').Any(p => p is "" or "." or ".."))
                    throw new InvalidOperationException($"accepted an unsafe symlink path \"{link}\" from \"{symlinks}\"");
            }
            if (settings.ToString()!.Contains(SecretMarker, StringComparison.Ordinal))
                throw new InvalidOperationException("the settings' ToString shows the secret");
        }, iter: 3000);
    }

    private static readonly Type ListerType = typeof(SharedFsMount).Assembly.GetType("SharedFs.FileSystem.Remote.DirectoryListing", true)!;

    private static readonly Gen<string> KeyPart = Gen.OneOf(
        Gen.String[Gen.Char["/.a\0é🙂 %"], 0, 8],
        Pick("", ".", "..", "/", "//", "./", "../", "_$folder$", "a_$folder$", new string('x', 255), new string('x', 256), new string('é', 128)),
        Gen.String[0, 10]);

    [Fact]
    public void Listing_decoder_never_yields_an_entry_that_cannot_be_a_file_name()
    {
        var directories = Pick("/", "/d", "/d/e", "/é 🙂");
        var listing = Gen.Select(directories, Gen.Select(KeyPart, KeyPart, KeyPart).Array[0, 30], Gen.Select(KeyPart, KeyPart).Array[0, 10]);
        var previous = FsLog.Sink;
        FsLog.Sink = _ => { };
        try
        {
            listing.Sample(input =>
            {
                var (directory, objectParts, prefixParts) = input;
                var prefix = directory == "/" ? "" : directory.TrimStart('/') + "/";
                var keys = objectParts.Select(p => prefix + p.Item1 + p.Item2 + p.Item3).ToList();
                var prefixes = prefixParts.Select(p => prefix + p.Item1 + p.Item2 + "/").ToList();
                var store = new ListingStore(keys, prefixes);
                var lister = Activator.CreateInstance(ListerType, store)!;
                var task = (Task)ListerType.GetMethod("ListAsync", [typeof(string)])!.Invoke(lister, [prefix])!;
                task.GetAwaiter().GetResult();
                var entries = (IEnumerable)task.GetType().GetProperty("Result")!.GetValue(task)!;
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var entry in entries)
                {
                    var name = (string)entry.GetType().GetProperty("Name")!.GetValue(entry)!;
                    if (name.Length == 0 || name is "." or ".." || name.Contains('/') || name.Contains('\0') || Encoding.UTF8.GetByteCount(name) > 255)
                        throw new InvalidOperationException($"entry \"{name}\" from keys [{string.Join(", ", keys)}] prefixes [{string.Join(", ", prefixes)}]");
                    if (!names.Add(name)) throw new InvalidOperationException($"entry \"{name}\" listed twice");
                }
            }, iter: 3000);
        }
        finally
        {
            FsLog.Sink = previous;
        }
    }

    /// <summary>A store that answers listings the way S3 does with a delimiter: objects at the level, prefixes below.</summary>
    private sealed class ListingStore(List<string> keys, List<string> prefixes) : IObjectStore
    {
        public string Bucket => "fuzz";

        public async IAsyncEnumerable<ListPage> ListAllAsync(string prefix, string? delimiter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            var objects = new List<ObjectSummary>();
            var common = new SortedSet<string>(prefixes.Where(p => p.StartsWith(prefix, StringComparison.Ordinal)), StringComparer.Ordinal);
            foreach (var key in keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Distinct())
            {
                var slash = delimiter is null ? -1 : key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                if (slash >= 0) common.Add(key[..(slash + 1)]);
                else objects.Add(new ObjectSummary(key, 1, DateTimeOffset.UnixEpoch, "\"e\""));
            }
            // Two pages, to exercise the merge of pages.
            var half = objects.Count / 2;
            yield return new ListPage(objects.Take(half).ToList(), common.Take(common.Count / 2).ToList(), "next");
            yield return new ListPage(objects.Skip(half).ToList(), common.Skip(common.Count / 2).ToList(), null);
        }

        public Task<ListPage> ListPageAsync(string prefix, string? delimiter, string? continuationToken, int maxKeys = 1000, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<int> ReadAsync(string key, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<FirstBytes> ReadFirstBytesAsync(string key, Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<ObjectInfo> DownloadAsync(string key, Stream destination, long offset = 0, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<ObjectInfo> UploadAsync(string key, Stream content, long length, ObjectWriteOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<ObjectInfo> ComposeAsync(string key, IReadOnlyList<ObjectPiece> pieces, ObjectWriteOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<ObjectInfo> CopyAsync(string sourceKey, string destinationKey, ObjectWriteOptions? replaceMetadata = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<string> StartPartsAsync(string key, ObjectWriteOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<UploadedPart> UploadPartAsync(string key, string uploadId, int partNumber, Stream content, long length, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<ObjectInfo> CompletePartsAsync(string key, string uploadId, IReadOnlyList<UploadedPart> parts, long size, ObjectWriteOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task AbortPartsAsync(string key, string uploadId) => throw new NotSupportedException();
    }
}
