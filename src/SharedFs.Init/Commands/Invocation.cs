namespace SharedFs.Init.Commands;

internal enum Mode { Init, Mount, S3cfg, Check, Status, Help, Version, ExecChild }

/// <summary>What the command line asks for, before any configuration is read.</summary>
/// <param name="Json">status only: print the status file's JSON instead of the human lines.</param>
/// <param name="ChildIds">Exec child only: the "UID:GID:GROUPS" to switch to before the exec (see ProcessIds).</param>
internal sealed record Invocation(Mode Mode, IReadOnlyList<string> OptionArgs, bool SingleChild, bool NoMount, IReadOnlyList<string> Command,
    string? ChildIds = null, bool Json = false);
