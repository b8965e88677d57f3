using System.CommandLine;

namespace FedGan.Cli.Commands.Lab;

/// <summary>The options of <c>fedgan lab run</c>, grouped so the command reads as a list.</summary>
internal sealed class LabRunOptions
{
    public Option<string> Mode { get; } = Choice("--mode", "federated, centralized (all sites pooled) or local (each site alone).", "federated", "federated", "centralized", "local");
    public Option<string> Output { get; } = new("--out") { Description = "Directory for report.json and the sample grids.", Required = true };
    public Option<int> Sites { get; } = Default("--sites", "Number of simulated hospitals.", 8);
    public Option<double> Alpha { get; } = Default("--alpha", "Dirichlet label skew (small: each site sees few classes).", 0.3);
    public Option<bool> NoShift { get; } = new("--no-shift") { Description = "Give all sites the same acquisition (no contrast, brightness, noise or blur shift)." };
    public Option<int?> RareClass { get; } = new("--rare-class") { Description = "A label kept at low prevalence, spread thinly over the sites; its recall is reported." };
    public Option<double> RarePrevalence { get; } = Default("--rare-prevalence", "Share of the rare class among all assigned images.", 0.01);
    public Option<int> Rounds { get; } = Default("--rounds", "Federated rounds (the baselines get the same number of D steps).", 20);
    public Option<int> LocalSteps { get; } = Default("--local-steps", "Discriminator steps per site per round.", 100);
    public Option<double> BatchSize { get; } = Default("--batch-size", "Expected records per D step (Poisson sampling).", 64.0);
    public Option<int> GeneratorBatch { get; } = Default("--g-batch", "Fake images per G step.", 64);
    public Option<int> DStepsPerGStep { get; } = Default("--d-steps-per-g-step", "Discriminator steps between generator steps.", 1);
    public Option<double> DLearningRate { get; } = Default("--d-lr", "Discriminator Adam learning rate.", 2e-4);
    public Option<double> GLearningRate { get; } = Default("--g-lr", "Generator Adam learning rate.", 2e-4);
    public Option<double> DBeta1 { get; } = Default("--d-beta1", "Discriminator Adam beta1 (momentum); under DP a larger value averages the noise of more steps.", 0.5);
    public Option<double> ClassLoss { get; } = Default("--class-loss", "Weight of a classification loss read from D's label projection (D on real images, G on its own); 0 is off.", 0.0);
    public Option<double> Proximal { get; } = Default("--proximal", "Federated: FedProx weight mu, pulling each site's D and G towards the round's global weights (0 is off).", 0.0);
    public Option<double?> Epsilon { get; } = new("--dp-epsilon") { Description = "Record-level DP-SGD for D at this epsilon per site (calibrated for all planned steps); omit for no DP." };
    public Option<string> DpFakes { get; } = Choice("--dp-fakes", "Under DP: paired (each record gets a fake of its class; the pair is clipped together) or mix (as many fakes as the expected batch, labelled from G's label mix, every row clipped alone; use with --g-labels site under label skew).", "paired", "paired", "mix");
    public Option<double> Delta { get; } = Default("--delta", "Delta of the DP guarantee.", 1e-5);
    public Option<string> Accountant { get; } = Choice("--accountant", "Accountant the DP noise is calibrated with: rdp (conservative) or pld (tighter); the report gives both epsilons.", "rdp", "rdp", "pld");
    public Option<double> Clip { get; } = Default("--clip", "Per-record gradient clipping norm C.", 1.0);
    public Option<double?> UpdateClip { get; } = new("--update-clip") { Description = "Clip each site's update to this L2 norm before it is averaged." };
    public Option<double> ServerNoise { get; } = Default("--server-noise", "Server Gaussian noise on the average, in units of --update-clip.", 0.0);
    public Option<double> ServerLearningRate { get; } = Default("--server-lr", "Federated: the global model moves by this times the average update.", 1.0);
    public Option<double> ServerMomentum { get; } = Default("--server-momentum", "Federated: server momentum beta (FedAvgM); 0 is plain FedAvg.", 0.0);
    public Option<bool> FreshLocalOptimizers { get; } = new("--fresh-local-optimizer") { Description = "Federated: each site starts every round with fresh Adam moments (the edge trainer carries them over, as the simulator does by default)." };
    public Option<bool> FreshGeneratorOptimizer { get; } = new("--fresh-generator-optimizer") { Description = "Federated: each site starts every round with a fresh Adam for G only (D's moments carry over)." };
    public Option<bool> AverageMoments { get; } = new("--average-moments") { Description = "Federated: after each round every site's Adam moments are set to their sample-weighted average across sites." };
    public Option<string> GeneratorLabels { get; } = Choice("--g-labels", "Labels of G's images at each site: uniform, or site (in the site's own class proportions; under DP from a noised histogram whose cost is counted in epsilon).", "uniform", "uniform", "site");
    public Option<double> LabelNoise { get; } = Default("--label-noise", "Under DP with --g-labels site: standard deviation of the noise on each class count.", 50.0);
    public Option<string> LearningRateDecay { get; } = Choice("--lr-decay", "How both Adam learning rates fall over the rounds: none, linear or cosine (towards --lr-final, from --lr-decay-from).", "none", "none", "linear", "cosine");
    public Option<int> LearningRateDecayFrom { get; } = Default("--lr-decay-from", "The round whose learning rates are the last at full strength; they fall from then on.", 1);
    public Option<double> LearningRateFinal { get; } = Default("--lr-final", "The factor the learning rates fall towards (reached just after the last round).", 0.0);
    public Option<double?> AverageDecay { get; } = new("--average-decay") { Description = "Score an exponential moving average of the weights over rounds with this decay (the last iterate is scored too)." };
    public Option<int> ImageSize { get; } = Default("--image-size", "28 (native) or 64 (images upscaled bilinearly).", 28);
    public Option<int> LatentDim { get; } = Default("--latent-dim", "Length of G's noise vector.", 64);
    public Option<int> GeneratorWidth { get; } = Default("--g-width", "Channels of G's last hidden layer.", 32);
    public Option<bool> GeneratorClassNorm { get; } = new("--g-class-norm") { Description = "G's normalisation layers take the label too (a per-class scale and shift)." };
    public Option<int> DiscriminatorWidth { get; } = Default("--d-width", "Channels of D's first layer.", 16);
    public Option<bool> DiscriminatorNorm { get; } = new("--d-norm") { Description = "D normalises each image's feature maps after every convolution but the first (group norm, 8 groups, no parameters)." };
    public Option<int> TstrImages { get; } = Default("--tstr-images", "Synthetic images the TSTR classifier trains on.", 10_000);
    public Option<int> TstrEpochs { get; } = Default("--tstr-epochs", "Epochs of TSTR classifier training.", 5);
    public Option<int> FrechetSamples { get; } = Default("--fd-samples", "Images per side of each Frechet distance.", 10_000);
    public Option<int> Seed { get; } = Default("--seed", "Seed for the partition, initial weights and all sampling.", 1);
    public Option<string> DataDirectory { get; } = Default("--data-dir", "Directory with the Fashion-MNIST IDX files.", FedGan.Learning.Data.FashionMnist.DefaultDirectory);
    public Option<string?> CacheDirectory { get; } = new("--cache-dir") { Description = "Where the evaluation classifier is cached (default $FEDGAN_CACHE_DIR or ~/.cache/fedgan)." };

    public IEnumerable<Option> All() =>
    [
        Mode, Output, Sites, Alpha, NoShift, RareClass, RarePrevalence, Rounds, LocalSteps, BatchSize, GeneratorBatch,
        DStepsPerGStep, DLearningRate, GLearningRate, DBeta1, ClassLoss, Proximal, Epsilon, DpFakes, Delta, Accountant, Clip, UpdateClip, ServerNoise, ServerLearningRate, ServerMomentum, FreshLocalOptimizers, FreshGeneratorOptimizer, AverageMoments, GeneratorLabels, LabelNoise, LearningRateDecay, LearningRateDecayFrom, LearningRateFinal, AverageDecay, ImageSize, LatentDim,
        GeneratorWidth, GeneratorClassNorm, DiscriminatorWidth, DiscriminatorNorm, TstrImages, TstrEpochs, FrechetSamples, Seed, DataDirectory, CacheDirectory,
    ];

    private static Option<T> Default<T>(string name, string description, T value) =>
        new(name) { Description = description, DefaultValueFactory = _ => value };

    private static Option<string> Choice(string name, string description, string value, params string[] allowed)
    {
        var option = Default(name, description, value);
        option.AcceptOnlyFromAmong(allowed);
        return option;
    }
}
