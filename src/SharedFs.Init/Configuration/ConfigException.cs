namespace SharedFs.Init.Configuration;

/// <summary>An invalid or missing setting: the message is the single line printed before exiting with 2.</summary>
internal sealed class ConfigException(string message) : Exception(message.ReplaceLineEndings(" "));
