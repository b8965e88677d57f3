using FedGan.Contracts.Models;
using FedGan.Contracts.Studies;

namespace FedGan.EdgeTrainer.Tests;

public sealed class ContractHashTests
{
    // Computed outside the code: printf '%s' '<the JSON below>' | sha256sum
    private const string DefaultArchitectureJson =
        """{"classes":10,"discriminator_width":16,"generator_width":32,"image_size":28,"latent_dim":64}""";
    private const string DefaultArchitectureSha256 = "9ad4a5b11a27c15ea6a26a2527b46c7c47a02e61a8b31c0f561c9d15291480ff";

    [Fact]
    public void The_architecture_hash_is_the_sha256_of_its_sorted_compact_snake_case_json()
    {
        Assert.Equal(DefaultArchitectureJson, ContractHash.CanonicalJson(new ModelArchitecture()));
        Assert.Equal(DefaultArchitectureSha256, ContractHash.Of(new ModelArchitecture(ImageSize: 28, Classes: 10)));
    }

    [Fact]
    public void Any_change_to_the_architecture_or_the_training_settings_changes_the_hash()
    {
        Assert.NotEqual(DefaultArchitectureSha256, ContractHash.Of(new ModelArchitecture(ImageSize: 64)));
        Assert.NotEqual(ContractHash.Of(new TrainingSettings()), ContractHash.Of(new TrainingSettings(LocalSteps: 51)));
    }

    [Fact]
    public void A_study_summary_shows_the_hashes_a_hospital_approves()
    {
        var definition = new StudyDefinition("chest-ct", null, new ModelArchitecture(), ["hospital-a"], new TrainingSettings(),
            new PrivacySettings(1.1, 0.01, 1.0, 1e-5, 8), new UpdateSettings(1.0), new AggregationSettings(), new RoundPolicy(3, 1));
        var json = System.Text.Json.JsonSerializer.Serialize(new StudySummary(definition, StudyStatus.Active, 1, 0, DateTimeOffset.UnixEpoch),
            FedGan.Contracts.ContractJson.Options);

        Assert.Contains($"\"architecture_sha256\":\"{DefaultArchitectureSha256}\"", json);
        Assert.Contains($"\"training_sha256\":\"{ContractHash.Of(new TrainingSettings())}\"", json);
    }
}
