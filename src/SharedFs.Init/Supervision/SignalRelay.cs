using System.Runtime.InteropServices;

namespace SharedFs.Init.Supervision;

/// <summary>
/// Catches the forwarded signals with PosixSignalRegistration and hands their numbers to a callback.
/// SIGUSR1 and SIGUSR2 have no PosixSignal member: the API takes raw Linux numbers cast to PosixSignal.
/// Cancel = true suppresses the default action (terminating the init) for every one of them.
/// </summary>
internal sealed class SignalRelay : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];

    public SignalRelay(Action<int> onSignal)
    {
        foreach (int signal in Signals.Forwarded)
        {
            int number = signal;
            _registrations.Add(PosixSignalRegistration.Create(ToPosixSignal(number), context =>
            {
                context.Cancel = true;
                onSignal(number);
            }));
        }
    }

    private static PosixSignal ToPosixSignal(int signal) => signal switch
    {
        Signals.SIGHUP => PosixSignal.SIGHUP,
        Signals.SIGINT => PosixSignal.SIGINT,
        Signals.SIGQUIT => PosixSignal.SIGQUIT,
        Signals.SIGTERM => PosixSignal.SIGTERM,
        Signals.SIGWINCH => PosixSignal.SIGWINCH,
        _ => (PosixSignal)signal,
    };

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations) registration.Dispose();
    }
}
