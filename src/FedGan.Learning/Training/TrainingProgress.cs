namespace FedGan.Learning.Training;

/// <summary>Running means over the discriminator and generator steps of one training call.</summary>
public sealed class TrainingProgress
{
    private double dLoss, realScore, fakeScore, gLoss, gradientNorm, clipped, batch;
    private int dSteps, gSteps, privateSteps;

    public int DiscriminatorSteps => dSteps;

    public int GeneratorSteps => gSteps;

    public double DiscriminatorLoss => Mean(dLoss, dSteps);

    public double GeneratorLoss => Mean(gLoss, gSteps);

    public double RealScore => Mean(realScore, dSteps);

    public double FakeScore => Mean(fakeScore, dSteps);

    public double MeanBatchSize => Mean(batch, dSteps);

    public double? MeanGradientNorm => privateSteps == 0 ? null : gradientNorm / privateSteps;

    public double? ClippedFraction => privateSteps == 0 ? null : clipped / privateSteps;

    public void Add(DiscriminatorStepStats step)
    {
        dSteps++;
        dLoss += step.Loss;
        realScore += step.RealScore;
        fakeScore += step.FakeScore;
        batch += step.BatchSize;
        if (step.MeanGradientNorm is { } norm && step.BatchSize > 0)
        {
            privateSteps++;
            gradientNorm += norm;
            clipped += step.ClippedFraction ?? 0;
        }
    }

    public void AddGenerator(double loss)
    {
        gSteps++;
        gLoss += loss;
    }

    private static double Mean(double sum, int count) => count == 0 ? double.NaN : sum / count;
}
