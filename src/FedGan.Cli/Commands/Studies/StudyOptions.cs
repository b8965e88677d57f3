using System.CommandLine;
using FedGan.Contracts;
using FedGan.Contracts.Models;
using FedGan.Contracts.Studies;
using FedGan.Privacy;

namespace FedGan.Cli.Commands.Studies;

/// <summary>The options of <c>fedgan studies create</c>, turned into a study definition.</summary>
public sealed class StudyOptions
{
    private static readonly TrainingSettings Training = new();

    private readonly Option<string> _study = new("--study") { Description = $"The study id ({ResourceIds.Description}).", Required = true };
    private readonly Option<string> _sites = new("--sites") { Description = "Comma-separated site ids taking part.", Required = true };
    private readonly Option<string?> _name = new("--name") { Description = "A human-readable name." };
    private readonly Option<int> _rounds = new("--rounds") { Description = "Number of rounds.", DefaultValueFactory = _ => 5 };
    private readonly Option<int?> _quorum = new("--quorum") { Description = "Uploads that close a round early (after the grace period); default: every site." };
    private readonly Option<int> _deadline = new("--deadline-seconds") { Description = "How long a round stays open at most.", DefaultValueFactory = _ => 900 };
    private readonly Option<int> _grace = new("--grace-seconds") { Description = "How long a round waits for stragglers once the quorum is in.", DefaultValueFactory = _ => 30 };
    private readonly Option<int> _localSteps = new("--local-steps") { Description = "DP-SGD discriminator steps per site per round.", DefaultValueFactory = _ => 50 };
    private readonly Option<int> _dStepsPerGStep = new("--d-steps-per-g-step") { Description = "Discriminator steps between two generator steps.", DefaultValueFactory = _ => Training.DiscriminatorStepsPerGeneratorStep };
    private readonly Option<double> _dLearningRate = new("--d-learning-rate") { Description = "The discriminator's Adam learning rate.", DefaultValueFactory = _ => Training.DiscriminatorLearningRate };
    private readonly Option<double> _gLearningRate = new("--g-learning-rate") { Description = "The generator's Adam learning rate.", DefaultValueFactory = _ => Training.GeneratorLearningRate };
    private readonly Option<double> _samplingRate = new("--sampling-rate") { Description = "Poisson sampling rate q of each step (expected batch = q x site's images).", DefaultValueFactory = _ => 0.004 };
    private readonly Option<double?> _noise = new("--noise-multiplier") { Description = "DP-SGD noise multiplier; default: the smallest that keeps every round within --target-epsilon." };
    private readonly Option<double> _targetEpsilon = new("--target-epsilon") { Description = "Epsilon all rounds together may reach at --delta (used to calibrate the noise).", DefaultValueFactory = _ => 8 };
    private readonly Option<double?> _budget = new("--epsilon-budget") { Description = "The ledger's hard cap per site (default: --target-epsilon)." };
    private readonly Option<double> _delta = new("--delta") { DefaultValueFactory = _ => 1e-5 };
    private readonly Option<double> _clip = new("--clipping-bound") { Description = "Per-record gradient clipping bound.", DefaultValueFactory = _ => 1.0 };
    private readonly Option<double> _updateClip = new("--update-clip-norm") { Description = "L2 bound of each site's update.", DefaultValueFactory = _ => 20.0 };
    private readonly Option<string> _aggregation = new("--aggregation") { Description = "fedavg or fedadam.", DefaultValueFactory = _ => "fedavg" };
    private readonly Option<double> _serverLr = new("--server-learning-rate") { DefaultValueFactory = _ => 1.0 };
    private readonly Option<int> _imageSize = new("--image-size") { Description = "28 or 64.", DefaultValueFactory = _ => 28 };
    private readonly Option<int> _classes = new("--classes") { DefaultValueFactory = _ => 10 };
    private readonly Option<int> _seed = new("--seed") { Description = "Seed of version 0's weights.", DefaultValueFactory = _ => 1 };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _study, _sites, _name, _rounds, _quorum, _deadline, _grace, _localSteps, _dStepsPerGStep, _dLearningRate, _gLearningRate, _samplingRate, _noise,
                     _targetEpsilon, _budget, _delta, _clip, _updateClip, _aggregation, _serverLr, _imageSize, _classes, _seed })
        {
            command.Options.Add(option);
        }
    }

    public int Seed(ParseResult parsed) => parsed.GetValue(_seed);

    public StudyDefinition Definition(ParseResult parsed)
    {
        var sites = parsed.GetValue(_sites)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var rounds = parsed.GetValue(_rounds);
        var localSteps = parsed.GetValue(_localSteps);
        var rate = parsed.GetValue(_samplingRate);
        var delta = parsed.GetValue(_delta);
        var target = parsed.GetValue(_targetEpsilon);
        var dStepsPerGStep = parsed.GetValue(_dStepsPerGStep);
        var dLearningRate = parsed.GetValue(_dLearningRate);
        var gLearningRate = parsed.GetValue(_gLearningRate);
        if (rounds < 1 || localSteps < 1 || dStepsPerGStep < 1)
        {
            throw new CliUsageException("--rounds, --local-steps and --d-steps-per-g-step must be at least 1.");
        }
        if (!(dLearningRate > 0) || !(gLearningRate > 0) || !double.IsFinite(dLearningRate) || !double.IsFinite(gLearningRate))
        {
            throw new CliUsageException("--d-learning-rate and --g-learning-rate must be positive numbers.");
        }

        // Every round charges each site local_steps steps: calibrate for all of them together.
        var noise = parsed.GetValue(_noise)
            ?? NoiseCalibration.FindNoiseMultiplier(new RdpAccountant(), target, delta, rate, (long)rounds * localSteps);
        var architecture = new ModelArchitecture(parsed.GetValue(_imageSize), parsed.GetValue(_classes));
        return new StudyDefinition(
            parsed.GetValue(_study)!,
            parsed.GetValue(_name),
            architecture,
            sites,
            new TrainingSettings(localSteps, DiscriminatorStepsPerGeneratorStep: dStepsPerGStep,
                DiscriminatorLearningRate: dLearningRate, GeneratorLearningRate: gLearningRate),
            new PrivacySettings(noise, rate, parsed.GetValue(_clip), delta, parsed.GetValue(_budget) ?? target),
            new UpdateSettings(parsed.GetValue(_updateClip)),
            new AggregationSettings(parsed.GetValue(_aggregation)!, parsed.GetValue(_serverLr)),
            new RoundPolicy(rounds, parsed.GetValue(_quorum) ?? sites.Length, parsed.GetValue(_deadline), parsed.GetValue(_grace)));
    }
}
