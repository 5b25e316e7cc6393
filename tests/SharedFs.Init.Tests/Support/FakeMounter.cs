using SharedFs.Init.Mounting;

namespace SharedFs.Init.Tests.Support;

/// <summary>A "mount" that is a plain directory, recording the lifecycle calls in order.</summary>
internal sealed class FakeMounter(string mountPoint) : IStorageMounter, IStorageMount
{
    public List<string> Calls { get; } = [];
    public TimeSpan MountDelay { get; init; }
    public Exception? MountFailure { get; init; }
    public TaskCompletionSource Gone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string MountPoint => mountPoint;
    public Task Completion => Gone.Task;

    public async Task<IStorageMount> MountAsync(CancellationToken cancellationToken)
    {
        lock (Calls) Calls.Add("mount");
        await Task.Delay(MountDelay, cancellationToken);
        if (MountFailure is not null) throw MountFailure;
        Directory.CreateDirectory(mountPoint);
        return this;
    }

    public Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        lock (Calls) Calls.Add("flush");
        return Task.FromResult(0);
    }

    public Task<bool> UnmountAsync(CancellationToken cancellationToken)
    {
        lock (Calls) Calls.Add("unmount");
        Gone.TrySetResult();
        return Task.FromResult(true);
    }
}
