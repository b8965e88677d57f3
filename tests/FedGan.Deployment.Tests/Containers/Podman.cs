using System.Diagnostics;
using FedGan.Testing;

namespace FedGan.Deployment.Tests.Containers;

/// <summary>
/// The podman CLI with the repository's settings (build/containers/containers.conf: runc, cgroupfs,
/// the host's limits), as build/images.sh uses it.
/// </summary>
public static class Podman
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => Stdout.Trim();
    }

    public static string ContainersConf => Path.Combine(Repository.Root, "build", "containers", "containers.conf");

    public static async Task<Outcome> RunAsync(IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo("podman")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["CONTAINERS_CONF"] = ContainersConf;
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("podman could not be started");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException("podman is not installed (run build/prerequisites.sh): " + exception.Message, exception);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"podman {string.Join(' ', info.ArgumentList)} did not finish within {timeout ?? TimeSpan.FromMinutes(2)}");
            }

            return new Outcome(process.ExitCode, await stdout, await stderr);
        }
    }

    /// <summary>Runs podman and returns its output; a non-zero exit is an error that says what podman said.</summary>
    public static async Task<string> CheckedAsync(params string[] arguments)
    {
        var outcome = await RunAsync(arguments);
        if (outcome.ExitCode != 0)
        {
            throw new InvalidOperationException($"podman {string.Join(' ', arguments.Take(3))} failed ({outcome.ExitCode}): {outcome.Stderr.Trim()}");
        }

        return outcome.Output;
    }
}
