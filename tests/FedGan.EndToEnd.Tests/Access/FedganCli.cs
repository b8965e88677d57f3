using System.Text.Json.Nodes;

namespace FedGan.EndToEnd.Tests.Access;

/// <summary>Runs the built <c>fedgan</c> as a user would, with its connection in FEDGAN_* variables, its JSON as a <see cref="JsonObject"/>.</summary>
internal static class FedganCli
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr)
    {
        public JsonObject Json => JsonNode.Parse(Stdout)!.AsObject();
    }

    public static async Task<Outcome> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var run = await FedGan.Testing.FedganCli.RunAsync(typeof(FedganCli).Assembly, environment, arguments);
        return new Outcome(run.ExitCode, run.Stdout, run.Stderr);
    }
}
