namespace SharedFs.Init.Tests.Support;

/// <summary>How the init under test runs: as PID 1 of a new PID namespace, or as a plain child subreaper.</summary>
public enum InitMode { Pid1, Subreaper }
