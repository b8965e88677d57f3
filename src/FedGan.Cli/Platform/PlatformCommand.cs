using System.CommandLine;

namespace FedGan.Cli.Platform;

/// <summary>Gives a command the platform connection options and a connection for its action.</summary>
public static class PlatformCommand
{
    public static Command WithPlatform(Command command, Func<ParseResult, PlatformConnection, CancellationToken, Task<int>> run)
    {
        var connection = new PlatformOptions();
        connection.AddTo(command);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            using var platform = connection.Connect(parsed);
            return await run(parsed, platform, cancellationToken);
        });
        return command;
    }
}
