using System.Globalization;
using FedGan.EdgeTrainer.Extensions;
using FedGan.EdgeTrainer.Local;
using FedGan.ServiceDefaults.ServiceTokens;
using FedGan.Learning.Data;
using Microsoft.Extensions.Options;

namespace FedGan.EdgeTrainer.Check;

/// <summary>
/// <c>fedgan-edge check [--config FILE] [--image-size N] [--per-class N]</c>: validates the configuration
/// (every problem, by key), reads the local images with the configured reader (counts per class,
/// skipped files with reasons, a sample grid PNG in the state directory) and gets a token from the
/// gateway. The token request is the only network call; no image, count or path leaves the machine.
/// </summary>
public static class EdgeCheck
{
    public const string Usage = "usage: fedgan-edge check [--config FILE] [--image-size N (default 28)] [--per-class N (default 8)]";
    private static readonly TimeSpan TokenTimeout = TimeSpan.FromSeconds(90);

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output)
    {
        CheckArguments arguments;
        WebApplication app;
        string? configFile;
        try
        {
            arguments = CheckArguments.Parse(args);
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
            configFile = builder.Configuration.AddEdgeConfigFile(args);
            builder.Logging.ClearProviders();
            // Not AddServiceDefaults: the check must not export telemetry anywhere; it only needs
            // the trainer's own HTTP stack (service discovery, retries, proxy) for the token request.
            builder.Services.AddServiceDiscovery();
            builder.Services.ConfigureHttpClientDefaults(http =>
            {
                http.AddStandardResilienceHandler();
                http.AddServiceDiscovery();
            });
            builder.AddEdgeServices();
            app = builder.Build();
        }
        catch (EdgeConfigurationException e)
        {
            output.WriteLine($"[FAIL] configuration: {e.Message}");
            output.WriteLine(Usage);
            return CheckExitCodes.Config;
        }

        await using (app)
        {
            output.WriteLine($"FedGan edge check, config {configFile ?? $"(none: --config or {EdgeConfiguration.EnvironmentVariable}; environment only)"}");
            if (Configuration(app.Services, output) is not { } options)
            {
                return CheckExitCodes.Config;
            }

            var stateProblem = PrepareStateDirectory(options, out var checkDirectory);
            if (stateProblem is not null)
            {
                output.WriteLine($"[FAIL] state directory: EdgeTrainer:StateDirectory is '{options.StateDirectory}': {stateProblem}");
                return CheckExitCodes.Config;
            }

            Approvals(options, output);
            var dataOk = Data(options, arguments, checkDirectory, output);
            var platformOk = await TokenAsync(app.Services, options, output);
            var exitCode = !dataOk ? CheckExitCodes.Data : !platformOk ? CheckExitCodes.Platform : CheckExitCodes.Ok;
            output.WriteLine(exitCode == CheckExitCodes.Ok ? "All checks passed." : $"Check failed (exit code {exitCode}).");
            return exitCode;
        }
    }

    private static EdgeTrainerOptions? Configuration(IServiceProvider services, TextWriter output)
    {
        try
        {
            var options = services.GetRequiredService<IOptions<EdgeTrainerOptions>>().Value;
            output.WriteLine($"[ok] configuration: site {options.SiteId}, gateway {options.Gateway}, token endpoint {options.EffectiveTokenEndpoint}, "
                + $"proxy {(string.IsNullOrEmpty(options.Proxy) ? "none" : Redacted(options.Proxy))}, state {options.StateDirectory}");
            return options;
        }
        catch (OptionsValidationException e)
        {
            output.WriteLine($"[FAIL] configuration: {e.Failures.Count()} problem(s)");
            foreach (var failure in e.Failures)
            {
                output.WriteLine($"       - {failure}");
            }
        }
        catch (InvalidOperationException e)
        {
            // The binder's own message names the key whose value is not of the right type.
            output.WriteLine($"[FAIL] configuration: {e.Message}");
        }

        return null;
    }

    private static string? PrepareStateDirectory(EdgeTrainerOptions options, out string checkDirectory)
    {
        checkDirectory = Path.Combine(options.StateDirectory, "check");
        try
        {
            Directory.CreateDirectory(checkDirectory);
            var probe = Path.Combine(checkDirectory, ".write-test");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"not writable ({e.Message}).";
        }
    }

    private static void Approvals(EdgeTrainerOptions options, TextWriter output)
    {
        if (options.ApprovedStudies.Count == 0)
        {
            output.WriteLine("[warn] approved studies: none, so every task will be declined (EdgeTrainer:ApprovedStudies).");
            return;
        }

        output.WriteLine($"[ok] approved studies: {options.ApprovedStudies.Count}");
        foreach (var (studyId, approval) in options.ApprovedStudies.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"       {studyId}: architecture {approval.ArchitectureSha256}, training {approval.TrainingSha256 ?? "any"}, "
                + $"max epsilon {approval.MaxEpsilon.ToString("G6", CultureInfo.InvariantCulture)}");
        }
    }

    private static bool Data(EdgeTrainerOptions options, CheckArguments arguments, string checkDirectory, TextWriter output)
    {
        var source = $"{options.Data.Source} {options.Data.Path}".TrimEnd();
        LoadResult result;
        try
        {
            result = LocalDataset.Read(options.Data, arguments.ImageSize);
        }
        catch (Exception e) when (e is ImageLoadException or IOException or UnauthorizedAccessException or InvalidOperationException
                                      or InvalidDataException or ArgumentException)
        {
            output.WriteLine($"[FAIL] data: {source}: {e.Message}");
            return false;
        }

        var images = result.Images;
        output.WriteLine($"[ok] data: {source}: {images.Count} images in {images.ClassNames.Count} classes, read at {images.Height}x{images.Width}");
        var counts = DataPreview.CountByClass(images);
        var width = Math.Max(5, counts.Max(c => c.ClassName.Length));
        output.WriteLine($"       {"class".PadRight(width)}  images");
        foreach (var (className, count) in counts)
        {
            output.WriteLine($"       {className.PadRight(width)}  {count.ToString(CultureInfo.InvariantCulture),6}");
        }

        if (result.Report.Failures.Count > 0)
        {
            output.WriteLine($"[warn] skipped {result.Report.Failures.Count} file(s):");
            foreach (var failure in result.Report.Failures)
            {
                output.WriteLine($"       {failure.Path}: {failure.Reason}");
            }
        }

        var grid = Path.Combine(checkDirectory, "sample-grid.png");
        File.WriteAllBytes(grid, DataPreview.Grid(images, arguments.PerClass));
        output.WriteLine($"[ok] sample grid: {grid} (one row per class, up to {arguments.PerClass} images each; stays on this machine)");
        return true;
    }

    private static async Task<bool> TokenAsync(IServiceProvider services, EdgeTrainerOptions options, TextWriter output)
    {
        using var timeout = new CancellationTokenSource(TokenTimeout);
        try
        {
            await services.GetRequiredService<ServiceTokenSource>().GetTokenAsync(timeout.Token);
            output.WriteLine($"[ok] token: site {options.SiteId} got a token from {options.EffectiveTokenEndpoint}");
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or TimeoutException
                                      or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            var reason = e is OperationCanceledException ? $"no answer within {TokenTimeout.TotalSeconds:0} s" : e.Message;
            output.WriteLine($"[FAIL] token: no token from {options.EffectiveTokenEndpoint}: {reason}");
            return false;
        }
    }

    /// <summary>A proxy URL without its password.</summary>
    private static string Redacted(string proxy) =>
        Uri.TryCreate(proxy, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? new UriBuilder(uri) { Password = uri.UserInfo.Contains(':', StringComparison.Ordinal) ? "***" : string.Empty }.Uri.ToString()
            : proxy;
}
