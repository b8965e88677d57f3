using System.Diagnostics;
using FedGan.Learning.Models;
using static TorchSharp.torch;

namespace FedGan.Learning.Training;

/// <summary>Median wall time of one D step (forward, backward, update) with and without DP-SGD.</summary>
public sealed record DiscriminatorStepTimings(
    int BatchSize,
    int ImageSize,
    int Steps,
    double StandardMilliseconds,
    double PrivateMilliseconds,
    double Ratio,
    long DiscriminatorParameters,
    int Threads);

/// <summary>
/// Times D steps on the same fixed batch of random real and fake images, so both variants do the
/// same arithmetic apart from what DP-SGD adds (per-example norms, clipped sum, noise). Fake
/// images are drawn before timing: generating them costs the same with and without DP.
/// </summary>
public static class DiscriminatorStepBenchmark
{
    public static DiscriminatorStepTimings Run(GanArchitecture architecture, int batchSize, int steps, int warmupSteps = 5, ulong seed = 1)
    {
        if (batchSize < 1)
            throw new ArgumentException($"The batch size must be positive, not {batchSize}.");
        if (steps < 1)
            throw new ArgumentException($"Need at least one timed step, not {steps}.");
        manual_seed((long)seed);
        using var model = new ConditionalGan(architecture);
        var size = architecture.ImageSize;
        using var real = rand(batchSize, 1, size, size) * 2 - 1;
        using var labels = randint(0, architecture.Classes, [batchSize], dtype: int64);
        using var fakes = FakeImages.Generate(model.Generator, labels, new Generator(seed));

        var standardStep = NewStep(model, null, seed);
        var privateStep = NewStep(model, new DpSgdSettings(NoiseMultiplier: 1.0, ClipNorm: 1.0), seed);
        // Interleaved, after both are warm (libtorch builds its kernels on first use), so that
        // load from other processes on the machine hits both variants alike.
        var standardTimes = new double[steps];
        var privateTimes = new double[steps];
        for (var i = -warmupSteps; i < steps; i++)
        {
            var standard = Time(standardStep, real, labels, fakes);
            var dp = Time(privateStep, real, labels, fakes);
            if (i < 0)
                continue;
            standardTimes[i] = standard;
            privateTimes[i] = dp;
        }

        var standardMedian = Median(standardTimes);
        var privateMedian = Median(privateTimes);
        return new DiscriminatorStepTimings(
            batchSize, size, steps, standardMedian, privateMedian, privateMedian / standardMedian,
            model.Discriminator.parameters().Sum(p => p.numel()), get_num_threads());
    }

    private static DiscriminatorStep NewStep(ConditionalGan model, DpSgdSettings? privacy, ulong seed)
    {
        var optimizer = optim.Adam(model.Discriminator.parameters(), 2e-4, 0.5, 0.999);
        return new DiscriminatorStep(model.Discriminator, optimizer, privacy, new Generator(seed));
    }

    private static double Time(DiscriminatorStep step, Tensor real, Tensor labels, Tensor fakes)
    {
        var clock = Stopwatch.StartNew();
        step.Take(real, labels, fakes, labels, real.shape[0]);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
