using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using FedGan.Contracts.Models;
using FedGan.Contracts.Studies;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>
/// Creates the demo study when the stack starts: the coordinator's `fedgan studies create` against the
/// gateway, enrolling every simulated hospital (Demo:Enabled, Demo:Rounds, Demo:LocalSteps). Creating
/// is idempotent, so a restarted stack resumes the same study from Redis and blob storage.
/// </summary>
public static class DemoStudyExtensions
{
    public const string StudyId = "demo-fashion-mnist";
    public const double EpsilonBudget = 10;

    /// <summary>28x28 Fashion-MNIST, 10 classes: what the study is created with and what the hospitals approve.</summary>
    public static readonly ModelArchitecture Architecture = new(ImageSize: 28, Classes: 10);

    public static void AddDemoStudy(this IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> gateway,
        IResourceBuilder<ParameterResource> coordinatorSecret, IReadOnlyList<IResourceBuilder<ProjectResource>> hospitals)
    {
        if (!builder.Configuration.GetValue("Demo:Enabled", true) || hospitals.Count == 0 || builder.ExecutionContext.IsPublishMode)
        {
            return;
        }

        // Each simulated hospital consents to the demo study explicitly, as a real one would in its config.
        foreach (var hospital in hospitals)
        {
            hospital.WithApprovedStudy(StudyId, ContractHash.Of(Architecture), EpsilonBudget);
        }

        var sites = string.Join(',', hospitals.Select(h => h.Resource.Name));
        var rounds = builder.Configuration.GetValue("Demo:Rounds", 10).ToString(CultureInfo.InvariantCulture);
        var localSteps = builder.Configuration.GetValue("Demo:LocalSteps", 40).ToString(CultureInfo.InvariantCulture);
        builder.AddProject<Projects.FedGan_Cli>("demo-study", launchProfileName: null)
            .WithArgs("studies", "create", "--study", StudyId, "--name", "Fashion-MNIST across simulated hospitals",
                "--sites", sites, "--rounds", rounds, "--local-steps", localSteps,
                // The best DP schedule in the lab (docs/results.md): D's learning rate twice G's, two D steps per G step.
                "--d-steps-per-g-step", "2", "--d-learning-rate", "6e-4", "--g-learning-rate", "3e-4",
                "--quorum", hospitals.Count.ToString(CultureInfo.InvariantCulture),
                "--image-size", Architecture.ImageSize.ToString(CultureInfo.InvariantCulture),
                "--classes", Architecture.Classes.ToString(CultureInfo.InvariantCulture),
                "--sampling-rate", "0.004", "--target-epsilon", "8",
                "--epsilon-budget", EpsilonBudget.ToString(CultureInfo.InvariantCulture), "--deadline-seconds", "900")
            .WithEnvironment("FEDGAN_GATEWAY", gateway.GetEndpoint("http"))
            .WithEnvironment("FEDGAN_CLIENT_ID", IdentityBootstrapExtensions.CoordinatorClientId)
            .WithEnvironment("FEDGAN_CLIENT_SECRET", coordinatorSecret)
            .WaitFor(gateway);
    }
}
