using System.CommandLine;

namespace FedGan.Cli;

/// <summary>
/// Runs a parsed command with FedGan's CLI contract: results as JSON on stdout, exit 0; a bad
/// argument or input is one plain line on stderr and exit 2; a failure of the work itself exit 1.
/// </summary>
public static class CommandLineHost
{
    public const int UsageError = 2;
    public const int Failure = 1;

    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await Console.Error.WriteLineAsync($"fedgan: {OneLine(parsed.Errors[0].Message)}");
            return UsageError;
        }

        try
        {
            // The library's default handler would print a stack trace and exit 1 before the
            // catches below could apply the CLI contract.
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (CliUsageException ex)
        {
            await Console.Error.WriteLineAsync($"fedgan: {ex.Message}");
            return UsageError;
        }
        catch (ArgumentException ex)
        {
            // Domain types validate their own inputs; their message is the user's answer.
            await Console.Error.WriteLineAsync($"fedgan: {ex.Message}");
            return UsageError;
        }
        catch (Platform.PlatformException ex)
        {
            await Console.Error.WriteLineAsync($"fedgan: {ex.Message}");
            return Failure;
        }
    }

    /// <summary>Some parser messages list choices on extra lines; the contract is one line.</summary>
    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

/// <summary>An input the user can correct; its message is shown as is.</summary>
public sealed class CliUsageException(string message) : Exception(message);
