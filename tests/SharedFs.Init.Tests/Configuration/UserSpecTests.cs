using SharedFs.Init.Users;
using SharedFs.TestSupport;

namespace SharedFs.Init.Tests.Configuration;

/// <summary>"USER[:GROUP]" resolved against account files written for the test (the real ones are used by the process tests).</summary>
public sealed class UserSpecTests : IDisposable
{
    private readonly TempDirectory _folder = new("sharedfs-init-users");
    private readonly AccountFiles _files;

    public UserSpecTests()
    {
        File.WriteAllText(_folder.Combine("passwd"), """
            root:x:0:0:root:/root:/bin/bash
            # a comment, then lines glibc would skip too
            +nis-entry::::::
            broken:x:notanumber:1::/:/bin/sh
            www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
            app:x:1000:1000:The App,,,:/home/app:/bin/sh
            homeless:x:1001:1001:::/bin/sh
            """);
        File.WriteAllText(_folder.Combine("group"), """
            root:x:0:
            www-data:x:33:
            app:x:1000:
            uploads:x:2000:www-data,app
            video:x:44: app , other
            solo:x:3000:
            """);
        _files = new AccountFiles(_folder.Combine("passwd"), _folder.Combine("group"));
    }

    public void Dispose() => _folder.Dispose();

    private AppUser Resolve(string text) =>
        UserSpec.TryResolve(text, _files, out string? problem) ?? throw new Xunit.Sdk.XunitException($"\"{text}\" refused: {problem}");

    private string Problem(string text)
    {
        Assert.Null(UserSpec.TryResolve(text, _files, out string? problem));
        return Assert.IsType<string>(problem);
    }

    [Fact]
    public void A_name_gives_its_ids_its_home_and_its_groups_from_the_group_file_primary_first()
    {
        AppUser user = Resolve("app");
        Assert.Equal((1000u, 1000u), (user.Ids.Uid, user.Ids.Gid));
        Assert.Equal([1000u, 2000u, 44u], user.Ids.Groups);
        Assert.Equal(("app", "/home/app"), (user.Name, user.Home));
    }

    [Fact]
    public void A_number_with_an_entry_is_that_entry()
    {
        AppUser user = Resolve("33");
        Assert.Equal("www-data", user.Name);
        Assert.Equal("/var/www", user.Home);
        Assert.Equal([33u, 2000u], user.Ids.Groups);
    }

    [Fact]
    public void An_explicit_group_is_the_only_group()
    {
        AppUser byName = Resolve("app:solo");
        Assert.Equal((1000u, 3000u), (byName.Ids.Uid, byName.Ids.Gid));
        Assert.Equal([3000u], byName.Ids.Groups);
        Assert.Equal([4242u], Resolve("www-data:4242").Ids.Groups);
    }

    [Fact]
    public void A_number_without_an_entry_needs_a_group_and_has_no_name_and_home_slash()
    {
        AppUser user = Resolve("12345:12345");
        Assert.Equal((12345u, 12345u), (user.Ids.Uid, user.Ids.Gid));
        Assert.Equal([12345u], user.Ids.Groups);
        Assert.Null(user.Name);
        Assert.Equal("/", user.Home);
        Assert.Contains("12345:12345", Problem("12345"));
    }

    [Fact]
    public void An_empty_home_is_slash()
    {
        Assert.Equal("/", Resolve("homeless").Home);
    }

    [Theory]
    [InlineData("nobody-here", "there is no user \"nobody-here\" in")]
    [InlineData("app:nogroup-here", "there is no group \"nogroup-here\" in")]
    [InlineData("a:b:c", "has 3 parts; expected USER or USER:GROUP")]
    [InlineData(":app", "the user (before the ':') is empty")]
    [InlineData("app:", "the group (after the ':') is empty")]
    [InlineData("4294967295", "is not a valid uid")]
    [InlineData("99999999999:1", "is not a valid uid")]
    [InlineData("app:4294967296", "is not a valid gid")]
    [InlineData("broken", "there is no user \"broken\"")]
    [InlineData("+nis-entry", "there is no user")]
    public void Bad_values_are_refused_with_the_reason(string text, string expected)
    {
        Assert.Contains(expected, Problem(text));
    }

    [Fact]
    public void Missing_account_files_have_no_entries_but_numbers_still_work()
    {
        var none = new AccountFiles(_folder.Combine("no-passwd"), _folder.Combine("no-group"));
        Assert.Null(UserSpec.TryResolve("app", none, out string? problem));
        Assert.Contains("no-passwd", problem);
        Assert.NotNull(UserSpec.TryResolve("5:5", none, out _));
    }

    [Fact]
    public void The_exec_child_form_round_trips_and_refuses_anything_else()
    {
        var ids = new ProcessIds(33, 44, [44, 2000]);
        ProcessIds parsed = ProcessIds.TryParse(ids.Format()) ?? throw new Xunit.Sdk.XunitException(ids.Format());
        Assert.Equal((ids.Uid, ids.Gid), (parsed.Uid, parsed.Gid));
        Assert.Equal(ids.Groups, parsed.Groups);
        foreach (string bad in new[] { "", "1:2", "1:2:3:4", "x:2:3", "1:2:3,y", "4294967295:1:1" })
            Assert.Null(ProcessIds.TryParse(bad));
    }

    [Fact]
    public void The_app_environment_names_the_user_or_drops_the_name_when_there_is_none()
    {
        var environment = new Dictionary<string, string?> { ["HOME"] = "/root", ["USER"] = "root", ["LOGNAME"] = "root", ["KEEP"] = "x" };
        Resolve("app").DescribeIn(environment);
        Assert.Equal(("/home/app", "app", "app", "x"), (environment["HOME"], environment["USER"], environment["LOGNAME"], environment["KEEP"]));
        Resolve("12345:1").DescribeIn(environment);
        Assert.Equal("/", environment["HOME"]);
        Assert.False(environment.ContainsKey("USER") || environment.ContainsKey("LOGNAME"));
    }
}
