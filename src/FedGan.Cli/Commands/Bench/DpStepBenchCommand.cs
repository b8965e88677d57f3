using System.CommandLine;
using FedGan.Learning.Models;
using FedGan.Learning.Training;

namespace FedGan.Cli.Commands.Bench;

/// <summary>
/// <c>fedgan bench dp-step</c>: median time of one discriminator step with DP-SGD (per-record
/// clipping and noise) and without, on the same batch, and their ratio (target: at most 2).
/// </summary>
public static class DpStepBenchCommand
{
    private const double TargetRatio = 2.0;

    private sealed record Report(
        int BatchSize,
        int ImageSize,
        int Steps,
        double StandardStepMs,
        double DpStepMs,
        double Ratio,
        double TargetRatio,
        bool MeetsTarget,
        long DiscriminatorParameters,
        int Threads,
        string ThreadWaitPolicy);

    public static Command Create()
    {
        var batch = new Option<int>("--batch-size") { Description = "Real records per step (as many fakes are added).", DefaultValueFactory = _ => 64 };
        var steps = new Option<int>("--steps") { Description = "Timed steps per variant, interleaved, after 10 warm-up steps.", DefaultValueFactory = _ => 60 };
        var size = new Option<int>("--image-size") { Description = "28 or 64.", DefaultValueFactory = _ => 28 };
        var command = new Command("dp-step", "Discriminator step time with DP-SGD vs without, at one batch size.") { batch, steps, size };
        command.SetAction(parsed =>
        {
            var timings = DiscriminatorStepBenchmark.Run(
                new GanArchitecture(ImageSize: parsed.GetValue(size)), parsed.GetValue(batch), parsed.GetValue(steps), warmupSteps: 10);
            return JsonOutput.Write(new Report(timings.BatchSize, timings.ImageSize, timings.Steps,
                Math.Round(timings.StandardMilliseconds, 3), Math.Round(timings.PrivateMilliseconds, 3), Math.Round(timings.Ratio, 3),
                TargetRatio, timings.Ratio <= TargetRatio, timings.DiscriminatorParameters, timings.Threads,
                Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "libtorch default"));
        });
        return command;
    }
}
