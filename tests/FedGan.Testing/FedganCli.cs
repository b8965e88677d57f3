using System.Diagnostics;
using System.Reflection;

namespace FedGan.Testing;

/// <summary>
/// Runs the built <c>fedgan</c> (the configuration the calling tests were built in) as a user
/// would, and captures what they would see. Test projects that use it reference src/FedGan.Cli
/// with ReferenceOutputAssembly="false", so it is built first without being copied.
/// </summary>
public static class FedganCli
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    /// <param name="environment">Variables set for the process (the platform connection, for example); null for none.</param>
    public static async Task<Outcome> RunAsync(Assembly tests, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Locate(tests));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Outcome(process.ExitCode, (await stdout).Trim(), (await stderr).Trim());
    }

    private static string Locate(Assembly tests)
    {
        var configuration = tests.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(Repository.Root, "src", "FedGan.Cli", "bin", configuration, "net10.0", "fedgan.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build src/FedGan.Cli first.", path);
    }
}
