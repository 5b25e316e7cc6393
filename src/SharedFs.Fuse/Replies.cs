using SharedFs.Fuse.Native;

namespace SharedFs.Fuse;

/// <summary>
/// Answers a request once its call has finished: inline when the call completed synchronously, else from the
/// thread that completes it (libfuse's replies are thread-safe). A call that throws is answered EIO.
/// </summary>
internal static class Replies
{
    /// <param name="after">Runs once the request is answered, whatever the answer (returns a rented buffer).</param>
    public static void Complete<T>(IntPtr request, string operation, Func<ValueTask<FuseResult<T>>> call, Action<IntPtr, T> success,
        Action? after = null)
    {
        ValueTask<FuseResult<T>> pending;
        try
        {
            pending = call();
        }
        catch (Exception e)
        {
            Fail(request, operation, e);
            after?.Invoke();
            return;
        }
        if (pending.IsCompletedSuccessfully)
        {
            Finish(request, pending.Result, success);
            after?.Invoke();
        }
        else
        {
            _ = CompleteLaterAsync(request, operation, pending, success, after);
        }
    }

    /// <summary>A call answering 0 or an errno; on 0, <paramref name="success"/> answers instead of the plain 0.</summary>
    public static void Complete(IntPtr request, string operation, Func<ValueTask<int>> call, Action<IntPtr>? success = null, Action? after = null)
    {
        static FuseResult<bool> AsResult(int error) => error == 0 ? true : Errno.Fail(error);
        Action<IntPtr, bool> answer = success is null ? static (r, _) => LibFuse.ReplyError(r, 0) : (r, _) => success(r);
        Complete(request, operation, async () => AsResult(await call().ConfigureAwait(false)), answer, after);
    }

    private static async Task CompleteLaterAsync<T>(IntPtr request, string operation, ValueTask<FuseResult<T>> pending,
        Action<IntPtr, T> success, Action? after)
    {
        try
        {
            FuseResult<T> result;
            try
            {
                result = await pending.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Fail(request, operation, e);
                return;
            }
            Finish(request, result, success);
        }
        finally
        {
            after?.Invoke();
        }
    }

    private static void Finish<T>(IntPtr request, FuseResult<T> result, Action<IntPtr, T> success)
    {
        if (!result.Ok)
        {
            LibFuse.ReplyError(request, result.Error);
            return;
        }
        try
        {
            success(request, result.Value);
        }
        catch (Exception e)
        {
            Fail(request, "reply", e);
        }
    }

    public static void Fail(IntPtr request, string operation, Exception e) =>
        LibFuse.ReplyError(request, CallbackFailures.Report(operation, e));

    public static unsafe void Entry(IntPtr request, FuseEntry entry)
    {
        NativeEntryParam native;
        NativeConversions.ToNative(entry, &native);
        LibFuse.ReplyEntry(request, &native);
    }

    public static unsafe void Attributes(IntPtr request, FuseAttributes attributes)
    {
        NativeStat stat;
        NativeConversions.ToNative(attributes.Stat, &stat);
        LibFuse.ReplyAttributes(request, &stat, attributes.Timeout.TotalSeconds);
    }

    public static unsafe void Open(IntPtr request, FuseOpen open, NativeFileInfo* info)
    {
        NativeConversions.ToNative(open, info);
        LibFuse.ReplyOpen(request, info);
    }

    public static unsafe void Bytes(IntPtr request, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data) LibFuse.ReplyBuffer(request, p, (nuint)data.Length);
    }
}
