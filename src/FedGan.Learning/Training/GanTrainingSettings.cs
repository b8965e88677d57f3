namespace FedGan.Learning.Training;

/// <summary>
/// Hyper-parameters of local GAN training. Defaults follow DCGAN (Adam, lr 2e-4, beta1 0.5;
/// Radford et al. 2016). Under DP-SGD, D is noisier and needs several steps per G step to keep
/// up (Bie, Kamath and Zhang, "Private GANs, Revisited", TMLR 2023). A positive
/// <see cref="ClassLossWeight"/> adds a classification loss read from D's label projection
/// (<see cref="Models.ProjectionDiscriminator.ScoreAndClassify"/>): D learns to tell real images'
/// classes apart, and G to make images D assigns to the class they were asked for. A positive
/// <see cref="ProximalWeight"/> adds FedProx's pull towards the round's starting weights (<see cref="ProximalTerm"/>).
/// </summary>
public sealed record GanTrainingSettings(
    double ExpectedBatchSize = 64,
    int GeneratorBatchSize = 64,
    int DiscriminatorStepsPerGeneratorStep = 1,
    double DiscriminatorLearningRate = 2e-4,
    double GeneratorLearningRate = 2e-4,
    double DiscriminatorBeta1 = 0.5,
    double GeneratorBeta1 = 0.5,
    double Beta2 = 0.999,
    double ClassLossWeight = 0,
    PrivateFakes PrivateFakes = PrivateFakes.PairedWithRecords,
    double ProximalWeight = 0)
{
    public GanTrainingSettings Validate()
    {
        if (!(ExpectedBatchSize >= 1))
            throw new ArgumentException($"The expected batch size must be at least 1, not {ExpectedBatchSize}.");
        if (GeneratorBatchSize < 1)
            throw new ArgumentException($"The generator batch size must be positive, not {GeneratorBatchSize}.");
        if (DiscriminatorStepsPerGeneratorStep < 1)
            throw new ArgumentException($"Discriminator steps per generator step must be at least 1, not {DiscriminatorStepsPerGeneratorStep}.");
        if (!(DiscriminatorLearningRate > 0) || !(GeneratorLearningRate > 0))
            throw new ArgumentException("Learning rates must be positive.");
        if (!(DiscriminatorBeta1 is >= 0 and < 1) || !(GeneratorBeta1 is >= 0 and < 1) || !(Beta2 is >= 0 and < 1))
            throw new ArgumentException("Adam's betas must lie in [0, 1).");
        if (!(ClassLossWeight >= 0) || double.IsInfinity(ClassLossWeight))
            throw new ArgumentException($"The class loss weight must be zero or a finite positive number, not {ClassLossWeight}.");
        if (!(ProximalWeight >= 0) || double.IsInfinity(ProximalWeight))
            throw new ArgumentException($"The proximal weight must be zero or a finite positive number, not {ProximalWeight}.");
        return this;
    }

    /// <summary>The Poisson sampling rate q for a data set of <paramref name="records"/> images.</summary>
    public double SamplingRate(int records)
    {
        if (ExpectedBatchSize > records)
            throw new ArgumentException($"An expected batch of {ExpectedBatchSize} needs more than the {records} images available.");
        return ExpectedBatchSize / records;
    }
}
