using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace FedGan.Cli.Tests;

/// <summary>Runs the built <c>fedgan</c> (same configuration as these tests) and captures what a user would see.</summary>
internal static class FedganProcess
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr)
    {
        public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;
    }

    private static readonly string CliPath = LocateCli();

    public static async Task<Outcome> RunAsync(params string[] arguments)
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

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Outcome(process.ExitCode, (await stdout).Trim(), (await stderr).Trim());
    }

    private static string LocateCli()
    {
        var configuration = typeof(FedganProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        // tests/FedGan.Cli.Tests/bin/<Configuration>/net10.0 -> repository root
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
        var path = Path.Combine(root, "src", "FedGan.Cli", "bin", configuration, "net10.0", "fedgan.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build src/FedGan.Cli first.", path);
    }
}
