using SharedFs.Init.Configuration;
using SharedFs.Storage;

namespace SharedFs.Init.Mounting;

/// <summary>How to fix a refused TLS certificate, fault by fault, in the user's terms.</summary>
internal static class CertificateHint
{
    public static string Fix(CertificateProblem problem) =>
        string.Join("; ", problem.Faults.Select(fault => Fix(fault, problem)).Distinct());

    /// <summary>The line "check" and the mount print: what is wrong, then what to do.</summary>
    public static string Line(CertificateProblem problem) => $"{problem.Describe()}; {Fix(problem)}";

    private static string Fix(CertificateFault fault, CertificateProblem problem) => fault switch
    {
        CertificateFault.Untrusted =>
            "give the CA that signed it with SSL_CERT_FILE=/path/ca.pem (the system's CAs stay trusted)",
        CertificateFault.WrongName => problem.Names.FirstOrDefault(n => !n.Contains('*')) is { } name
            ? $"fix {Setting.Endpoint.Variable} to a name it is for, e.g. https://{(name.Contains(':') ? $"[{name}]" : name)}:{problem.Port}"
            : $"fix {Setting.Endpoint.Variable} to a name it is for",
        CertificateFault.Expired => "renew the server's certificate (or correct this machine's clock if it is wrong)",
        CertificateFault.NotYetValid => "check this machine's clock (or the dates of the server's certificate)",
        _ => $"fix the server's certificate (or {Setting.Endpoint.Variable}, if it points at the wrong server)",
    };
}
