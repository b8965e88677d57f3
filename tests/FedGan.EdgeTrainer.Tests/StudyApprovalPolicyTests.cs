using FedGan.Contracts.Models;
using FedGan.Contracts.Studies;
using FedGan.EdgeTrainer.Local;
using Microsoft.Extensions.Options;

namespace FedGan.EdgeTrainer.Tests;

public sealed class StudyApprovalPolicyTests
{
    // sha256 of {"classes":10,"discriminator_width":16,"generator_width":32,"image_size":28,"latent_dim":64} (sha256sum).
    private const string DefaultArchitecture = "9ad4a5b11a27c15ea6a26a2527b46c7c47a02e61a8b31c0f561c9d15291480ff";

    private static TrainingTask Task(string studyId = "chest-ct", ModelArchitecture? architecture = null, TrainingSettings? training = null,
        double epsilonBudget = 8, double delta = 1e-5) =>
        new(studyId, 1, 0, new string('0', 64), architecture ?? new ModelArchitecture(), training ?? new TrainingSettings(),
            new PrivacySettings(1.1, 0.004, 1.0, delta, epsilonBudget), new UpdateSettings(20), DateTimeOffset.UtcNow.AddMinutes(10));

    private static StudyApprovalPolicy Policy(params (string StudyId, StudyApproval Approval)[] approvals)
    {
        var options = new EdgeTrainerOptions { Privacy = { Delta = 1e-5 } };
        foreach (var (studyId, approval) in approvals)
        {
            options.ApprovedStudies[studyId] = approval;
        }

        return new StudyApprovalPolicy(new StaticMonitor(options));
    }

    [Fact]
    public void An_approved_study_on_its_approved_terms_is_accepted()
    {
        var policy = Policy(("chest-ct", new StudyApproval { ArchitectureSha256 = DefaultArchitecture, MaxEpsilon = 8 }));

        Assert.Null(policy.Check(Task(epsilonBudget: 8)));
    }

    [Fact]
    public void A_study_the_site_never_approved_is_declined_as_not_approved()
    {
        var policy = Policy(("chest-ct", new StudyApproval { ArchitectureSha256 = DefaultArchitecture, MaxEpsilon = 8 }));

        var decline = policy.Check(Task(studyId: "brain-mr"));

        Assert.Equal("not_approved", decline?.Reason);
        Assert.Contains("brain-mr", decline!.Detail);
    }

    [Fact]
    public void Another_model_architecture_is_declined_with_both_hashes()
    {
        var policy = Policy(("chest-ct", new StudyApproval { ArchitectureSha256 = DefaultArchitecture, MaxEpsilon = 8 }));

        var decline = policy.Check(Task(architecture: new ModelArchitecture(ImageSize: 64)));

        Assert.Equal("architecture_not_approved", decline?.Reason);
        Assert.Contains(DefaultArchitecture, decline!.Detail);
    }

    [Fact]
    public void Changed_training_settings_are_declined_only_when_the_approval_pins_them()
    {
        var pinned = new StudyApproval { ArchitectureSha256 = DefaultArchitecture, TrainingSha256 = ContractHash.Of(new TrainingSettings()), MaxEpsilon = 8 };
        var unpinned = new StudyApproval { ArchitectureSha256 = DefaultArchitecture, MaxEpsilon = 8 };
        var changed = Task(training: new TrainingSettings(LocalSteps: 500));

        Assert.Equal("training_not_approved", Policy(("chest-ct", pinned)).Check(changed)?.Reason);
        Assert.Null(Policy(("chest-ct", unpinned)).Check(changed));
    }

    [Fact]
    public void A_study_planning_more_epsilon_than_approved_or_a_looser_delta_is_declined_as_budget_exceeded()
    {
        var policy = Policy(("chest-ct", new StudyApproval { ArchitectureSha256 = DefaultArchitecture, MaxEpsilon = 8 }));

        var moreEpsilon = policy.Check(Task(epsilonBudget: 8.5));
        var looserDelta = policy.Check(Task(delta: 1e-3));

        Assert.Equal("budget_exceeded", moreEpsilon?.Reason);
        Assert.Contains("epsilon 8.5", moreEpsilon!.Detail);
        Assert.Equal("budget_exceeded", looserDelta?.Reason);
        Assert.Contains("delta 0.001", looserDelta!.Detail);
    }

    private sealed class StaticMonitor(EdgeTrainerOptions value) : IOptionsMonitor<EdgeTrainerOptions>
    {
        public EdgeTrainerOptions CurrentValue => value;

        public EdgeTrainerOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<EdgeTrainerOptions, string?> listener) => null;
    }
}
