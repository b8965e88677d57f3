using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace FedGan.EndToEnd.Tests.Access;

/// <summary>Runs the built <c>fedgan</c> as a user would, with its connection in FEDGAN_* variables.</summary>
internal static class FedganCli
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr)
    {
        public JsonObject Json => JsonNode.Parse(Stdout)!.AsObject();
    }

    private static readonly string CliPath = Locate();

    public static async Task<Outcome> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CliPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Outcome(process.ExitCode, (await stdout).Trim(), (await stderr).Trim());
    }

    private static string Locate()
    {
        var configuration = typeof(FedganCli).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        // tests/FedGan.EndToEnd.Tests/bin/<Configuration>/net10.0 -> repository root
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
        var path = Path.Combine(root, "src", "FedGan.Cli", "bin", configuration, "net10.0", "fedgan.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build src/FedGan.Cli first.", path);
    }
}
