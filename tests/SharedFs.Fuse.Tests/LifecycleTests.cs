using System.Diagnostics;
using SharedFs.Fuse.Tests.Infrastructure;

namespace SharedFs.Fuse.Tests;

/// <summary>Unmount policy, outside unmounts, cache invalidation and the request context.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public void Clean_unmount_returns_true_completes_and_calls_destroyed()
    {
        using var m = MountedFs.Start();
        File.WriteAllText(m.PathOf("f"), "x");
        Assert.True(m.Mount.Unmount(TimeSpan.FromSeconds(2)));
        Assert.True(Waits.For(m.Mount.Completion, TimeSpan.FromSeconds(5)));
        Assert.False(MountTable.IsFuseMount(m.Dir));
        Assert.Equal(1, m.Fs.DestroyedCalls);
        Assert.True(m.Mount.Unmount(TimeSpan.Zero)); // idempotent
    }

    [Fact]
    public void Unmount_with_an_open_file_waits_then_detaches_lazily()
    {
        using var m = MountedFs.Start();
        File.WriteAllText(m.PathOf("held"), "held open");
        var stream = new FileStream(m.PathOf("held"), System.IO.FileMode.Open, FileAccess.Read);
        try
        {
            var clock = Stopwatch.StartNew();
            Assert.False(m.Mount.Unmount(TimeSpan.FromMilliseconds(400)));
            Assert.True(clock.ElapsedMilliseconds >= 400, $"gave up waiting after {clock.ElapsedMilliseconds} ms, before its 400 ms");
            Assert.False(MountTable.IsFuseMount(m.Dir)); // detached from the namespace at once
            Assert.Equal("held open", new StreamReader(stream).ReadToEnd()); // still served
            Assert.False(m.Mount.Completion.IsCompleted);
        }
        finally
        {
            stream.Dispose();
        }
        Assert.True(Waits.For(m.Mount.Completion, TimeSpan.FromSeconds(5)), "the loop did not end after the last file closed");
    }

    [Fact]
    public void Outside_umount_ends_the_loop_and_completes()
    {
        using var m = MountedFs.Start();
        Programs.RunOk("umount", m.Dir);
        Assert.True(Waits.For(m.Mount.Completion, TimeSpan.FromSeconds(5)), "Completion did not complete after umount");
        Assert.True(m.Mount.Completion.IsCompletedSuccessfully);
        Assert.True(m.Mount.Unmount(TimeSpan.Zero));
    }

    [Fact]
    public void Outside_fusermount_unmount_completes_too()
    {
        using var m = MountedFs.Start();
        Programs.RunOk("fusermount3", "-u", m.Dir);
        Assert.True(Waits.For(m.Mount.Completion, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void InvalidateInode_makes_a_changed_size_visible_before_the_attribute_timeout()
    {
        using var m = MountedFs.Start(cacheTimeout: TimeSpan.FromSeconds(60));
        string file = m.PathOf("changing");
        File.WriteAllText(file, "abc");
        Assert.Equal(3, new FileInfo(file).Length);
        var inode = Posix.InodeOf(file);

        m.Fs.ReplaceContent("/changing", "abcdefgh"u8.ToArray());
        Assert.Equal(3, new FileInfo(file).Length); // the kernel still trusts its cache

        m.Mount.InvalidateInode(inode, attributesOnly: false);
        Assert.Equal(8, new FileInfo(file).Length);
        Assert.Equal("abcdefgh", File.ReadAllText(file));

        m.Mount.InvalidateInode(999_999, attributesOnly: true); // unknown to the kernel: ignored
    }

    [Fact]
    public void InvalidateEntry_makes_a_name_removed_behind_the_kernels_back_disappear()
    {
        using var m = MountedFs.Start(cacheTimeout: TimeSpan.FromSeconds(60));
        File.WriteAllText(m.PathOf("doomed"), "x");
        Assert.True(File.Exists(m.PathOf("doomed")));
        m.Fs.RemoveBehindTheKernel("/doomed");
        Assert.True(File.Exists(m.PathOf("doomed"))); // the kernel still trusts its entry

        m.Mount.InvalidateEntry(FuseFileSystem.RootInode, "doomed");
        Assert.False(File.Exists(m.PathOf("doomed")));
    }

    [Fact]
    public void The_request_context_reports_the_caller()
    {
        using var m = MountedFs.Start();
        File.WriteAllText(m.PathOf("mine"), "x");
        var context = m.Fs.LastCreateContext!.Value;
        Assert.Equal(0u, context.Uid);
        Assert.Equal(0u, context.Gid);
        // The kernel reports the calling thread's id: it must be a thread of this process.
        Assert.True(Directory.Exists($"/proc/self/task/{context.Pid}"), $"pid {context.Pid} is not a thread of the test process");
    }

    [Fact]
    public void Dispose_unmounts_even_when_busy()
    {
        var m = MountedFs.Start();
        string dir = m.Dir;
        using (var stream = new FileStream(m.PathOf("busy"), System.IO.FileMode.Create))
        {
            m.Mount.Dispose();
            Assert.False(MountTable.IsFuseMount(dir));
        }
        Assert.True(Waits.For(m.Mount.Completion, TimeSpan.FromSeconds(5)));
        m.Dispose();
    }
}
