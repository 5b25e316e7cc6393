using Microsoft.Extensions.Configuration.Memory;
using SharedFs.Init.Commands;
using SharedFs.Init.Configuration;
using SharedFs.Storage;

namespace SharedFs.Init.Tests.Configuration;

public sealed class SettingsLoaderTests
{
    private const string Secret = "s3cr3t/with:colons:inside";
    private const string Credentials = "AKIDEXAMPLE:" + Secret + ":my-bucket";

    private static InitSettings Load(Dictionary<string, string?> environment, params string[] args)
    {
        Invocation invocation = ArgumentParser.Parse([.. args, "--", "true"]);
        return SettingsLoader.Load(invocation.OptionArgs, invocation.SingleChild, invocation.NoMount,
            new MemoryConfigurationSource { InitialData = environment });
    }

    private static Dictionary<string, string?> ValidEnvironment() => new()
    {
        ["SCALINGO_SHAREDFS_CREDENTIALS"] = Credentials,
        ["SHAREDFS_ENDPOINT"] = "https://s3.example.com",
    };

    [Fact]
    public void Defaults_apply_when_only_credentials_and_endpoint_are_set()
    {
        InitSettings settings = Load(ValidEnvironment());
        Assert.Equal("/storage", settings.MountPath);
        Assert.Equal("us-east-1", settings.Region);
        Assert.Equal(Directory.GetCurrentDirectory().TrimEnd('/'), settings.AppRoot);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.CacheTtl);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.ReadyTimeout);
        Assert.Equal(TimeSpan.FromSeconds(25), settings.StopTimeout);
        Assert.Empty(settings.Symlinks);
        Assert.False(settings.SingleChild);
    }

    [Fact]
    public void Secret_may_contain_colons_access_key_is_before_the_first_and_bucket_after_the_last()
    {
        S3Credentials credentials = Load(ValidEnvironment()).Credentials!;
        Assert.Equal("AKIDEXAMPLE", credentials.AccessKeyId);
        Assert.Equal(Secret, credentials.SecretAccessKey);
        Assert.Equal("my-bucket", credentials.Bucket);
        Assert.DoesNotContain(Secret, credentials.ToString());
        Assert.DoesNotContain("s3cr3t", Load(ValidEnvironment()).ToString());
    }

    [Fact]
    public void Command_line_options_override_the_environment()
    {
        var environment = ValidEnvironment();
        environment["SHAREDFS_MOUNT"] = "/from-env";
        environment["SHAREDFS_STOP_TIMEOUT"] = "3s";
        environment["SHAREDFS_REGION"] = "eu-west-1";
        InitSettings settings = Load(environment, "--mount", "/from-cli", "--stop-timeout=500ms", "--single-child");
        Assert.Equal("/from-cli", settings.MountPath);
        Assert.Equal(TimeSpan.FromMilliseconds(500), settings.StopTimeout);
        Assert.Equal("eu-west-1", settings.Region);
        Assert.True(settings.SingleChild);
    }

    [Theory]
    [InlineData("1s", 1000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120000)]
    [InlineData("30", 30000)]
    [InlineData("1.5s", 1500)]
    public void Durations_accept_units_and_plain_seconds(string text, int milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out TimeSpan value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Fact]
    public void Symlinks_are_split_on_colons_and_deduplicated()
    {
        var environment = ValidEnvironment();
        environment["SCALINGO_SHAREDFS_SYMLINKS"] = "public/uploads:var/data:public/uploads";
        Assert.Equal(["public/uploads", "var/data"], Load(environment).Symlinks);
    }

    [Fact]
    public void No_mount_needs_no_credentials_nor_endpoint()
    {
        InitSettings settings = Load([], "--no-mount");
        Assert.True(settings.NoMount);
        Assert.Null(settings.Credentials);
    }

    public static TheoryData<string, string, string> BadValues() => new()
    {
        // variable, bad value, expected fragment
        { "SCALINGO_SHAREDFS_CREDENTIALS", "only-one-part", "three parts" },
        { "SCALINGO_SHAREDFS_CREDENTIALS", "AK:" + Secret + ":Bad_Bucket", "bucket name" },
        { "SCALINGO_SHAREDFS_CREDENTIALS", "AK:" + Secret + ":ab", "3 to 63" },
        { "SCALINGO_SHAREDFS_CREDENTIALS", "AK:" + Secret + ":192.168.1.1", "IP address" },
        { "SCALINGO_SHAREDFS_CREDENTIALS", ":" + Secret + ":my-bucket", "access key id" },
        { "SCALINGO_SHAREDFS_CREDENTIALS", "AK::my-bucket", "secret key" },
        { "SHAREDFS_ENDPOINT", "ftp://s3.example.com", "http and https" },
        { "SHAREDFS_ENDPOINT", "not a url", "absolute URL" },
        { "SHAREDFS_MOUNT", "relative/path", "absolute path" },
        { "SHAREDFS_MOUNT", "/", "root directory" },
        { "SHAREDFS_APP_ROOT", "app", "absolute path" },
        { "SHAREDFS_CACHE_TTL", "soon", "not a duration" },
        { "SHAREDFS_READY_TIMEOUT", "0", "more than zero" },
        { "SHAREDFS_STOP_TIMEOUT", "-5s", "not a duration" },
        { "SHAREDFS_REGION", "eu west", "may only contain" },
        { "SHAREDFS_STAGING_DIR", "tmp", "absolute path" },
        { "SHAREDFS_WRITE_BACK", "sometimes", "is not on or off" },
        { "SHAREDFS_WRITE_BACK", "auto", "is not on or off" },
        { "SHAREDFS_SIGNATURE", "v3", "is not v2 or v4" },
        { "SHAREDFS_SIGNATURE", "sigv2", "is not v2 or v4" },
        { "SCALINGO_SHAREDFS_SYMLINKS", "/etc", "absolute" },
        { "SCALINGO_SHAREDFS_SYMLINKS", "a/../../etc", "\"..\"" },
        { "SCALINGO_SHAREDFS_SYMLINKS", "a//b", "empty segment" },
        { "SCALINGO_SHAREDFS_SYMLINKS", "a/./b", "\".\" segment" },
        { "SCALINGO_SHAREDFS_SYMLINKS", "a::b", "empty path" },
        { "SCALINGO_SHAREDFS_SYMLINKS", "a:a/b", "overlap" },
        { "SHAREDFS_USER", "no-such-user-x", "there is no user" },
        { "SHAREDFS_USER", "root:no-such-group-x", "there is no group" },
        { "SHAREDFS_USER", "root:root:root", "expected USER or USER:GROUP" },
        { "SHAREDFS_USER", "99999999999", "not a valid uid" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Each_bad_value_is_named_with_an_example_and_never_shows_the_secret(string variable, string value, string fragment)
    {
        var environment = ValidEnvironment();
        environment[variable] = value;
        var error = Assert.Throws<ConfigException>(() => Load(environment));
        Assert.StartsWith(variable + ": ", error.Message);
        Assert.Contains(fragment, error.Message);
        Assert.Contains("e.g. " + variable + "=", error.Message);
        Assert.DoesNotContain("s3cr3t", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData(null, SignatureVersion.V4)]
    [InlineData("", SignatureVersion.V4)]
    [InlineData("v4", SignatureVersion.V4)]
    [InlineData("v2", SignatureVersion.V2)]
    [InlineData(" V2 ", SignatureVersion.V2)]
    public void The_signature_is_v4_unless_v2_is_asked_for(string? value, SignatureVersion expected)
    {
        var environment = ValidEnvironment();
        environment["SHAREDFS_SIGNATURE"] = value;
        Assert.Equal(expected, Load(environment).Signature);
        Assert.Equal(expected, SharedFs.Init.Mounting.SharedFsMounter.ToStoreOptions(Load(environment)).Signature);
    }

    [Fact]
    public void The_signature_option_overrides_the_environment()
    {
        var environment = ValidEnvironment();
        environment["SHAREDFS_SIGNATURE"] = "v4";
        Assert.Equal(SignatureVersion.V2, Load(environment, "--signature", "v2").Signature);
        var error = Assert.Throws<ConfigException>(() => Load(environment, "--signature=v5"));
        Assert.Equal("--signature: \"v5\" is not v2 or v4 (v4, the default, suits every current provider; v2 only servers that need it); e.g. --signature v4", error.Message);
    }

    [Fact]
    public void The_user_option_wins_over_the_variable_and_is_resolved_before_anything_starts()
    {
        var environment = ValidEnvironment();
        environment["SHAREDFS_USER"] = "no-such-user-x";
        InitSettings settings = Load(environment, "--user", "0:4242");
        Assert.Equal((0u, 4242u), (settings.User!.Ids.Uid, settings.User.Ids.Gid));
        Assert.Equal("root", settings.User.Name);
        Assert.Null(Load(ValidEnvironment()).User);
        Assert.StartsWith("SHAREDFS_USER: there is no user", Assert.Throws<ConfigException>(() => Load(environment)).Message);
    }

    [Fact]
    public void A_bad_option_is_named_as_the_option()
    {
        var error = Assert.Throws<ConfigException>(() => Load(ValidEnvironment(), "--ready-timeout", "later"));
        Assert.StartsWith("--ready-timeout: ", error.Message);
        Assert.Contains("e.g. --ready-timeout 30s", error.Message);
    }

    [Fact]
    public void Missing_credentials_mention_no_mount()
    {
        var error = Assert.Throws<ConfigException>(() => Load(new Dictionary<string, string?> { ["SHAREDFS_ENDPOINT"] = "http://x" }));
        Assert.StartsWith("SCALINGO_SHAREDFS_CREDENTIALS: is not set", error.Message);
        Assert.Contains("--no-mount", error.Message);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--mount")]
    public void Unknown_options_and_missing_values_are_errors(string arg)
    {
        Assert.Throws<ConfigException>(() => ArgumentParser.Parse(arg == "--mount" ? [arg] : [arg, "--", "true"]));
    }

    [Fact]
    public void Arguments_split_into_subcommand_flags_options_and_command()
    {
        Invocation invocation = ArgumentParser.Parse(["--single-child", "--region", "x", "--", "node", "--mount", "y"]);
        Assert.Equal(Mode.Init, invocation.Mode);
        Assert.Equal(["--region", "x"], invocation.OptionArgs);
        Assert.Equal(["node", "--mount", "y"], invocation.Command);
        Assert.Equal(Mode.Mount, ArgumentParser.Parse(["mount", "--mount", "/s"]).Mode);
        Assert.Equal(Mode.Help, ArgumentParser.Parse(["--help"]).Mode);
    }
}
