using System.Text.Json;
using FedGan.Testing;

namespace FedGan.Cli.Tests;

/// <summary>Runs the built <c>fedgan</c> and captures what a user would see, its JSON as a <see cref="JsonElement"/>.</summary>
internal static class FedganProcess
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr)
    {
        public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;
    }

    public static async Task<Outcome> RunAsync(params string[] arguments)
    {
        var run = await FedganCli.RunAsync(typeof(FedganProcess).Assembly, null, arguments);
        return new Outcome(run.ExitCode, run.Stdout, run.Stderr);
    }
}
