namespace SharedFs.Init.Tests.Support;

/// <summary>
/// The real-mount classes run one after the other (each still has its own bucket): every run starts a JIT-compiled
/// init with the AWS SDK, and on a 2-core machine running them in parallel turns start-up times into noise that the
/// ready-timeout tests would trip over. They still run in parallel with the supervision tests.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RealMountCollection
{
    public const string Name = "real mount";
}
