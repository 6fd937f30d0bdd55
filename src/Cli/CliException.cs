namespace HyperdOrleans.Cli;

/// <summary>A problem with the user's input or files, reported as one line without a stack trace.</summary>
internal sealed class CliException(string message) : Exception(message);
