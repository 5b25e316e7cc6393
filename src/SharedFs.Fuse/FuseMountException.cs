namespace SharedFs.Fuse;

/// <summary>A filesystem could not be mounted; the message says why in terms an operator can act on.</summary>
public sealed class FuseMountException : IOException
{
    public FuseMountException(string message) : base(message) { }
    public FuseMountException(string message, Exception inner) : base(message, inner) { }
}
