namespace SharedFs.FileSystem.Tests;

/// <summary>
/// Tests that keep a file open on the mount and look at what happens before it is closed run alone. When any
/// other thread of the test process starts a child (s3cmd, s3fs, a shell), the forked child closes its copy of
/// every descriptor at exec, and the kernel sends FUSE a FLUSH for each: the mount then uploads the open file
/// early, which is right (s3fs does the same) but is not what these tests observe.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NoForksElsewhereCollection
{
    public const string Name = "No forks elsewhere";
}
