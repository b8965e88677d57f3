using System.CommandLine;

namespace FedGan.Cli.Commands.Bench;

/// <summary>
/// <c>fedgan bench</c>: the parent of every benchmark. Each benchmark is one line in the list
/// below; run without a subcommand it prints the list as JSON.
/// </summary>
public static class BenchCommand
{
    private sealed record Listing(IReadOnlyList<Entry> Subcommands);

    private sealed record Entry(string Name, string? Description);

    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks; each prints one JSON object with its measurements.")
        {
            AccountantBenchCommand.Create(),
            DpStepBenchCommand.Create(),
            AggregateBenchCommand.Create(),
        };
        bench.SetAction(_ => JsonOutput.Write(new Listing(
            bench.Subcommands.Select(c => new Entry(c.Name, c.Description)).ToList())));
        return bench;
    }
}
