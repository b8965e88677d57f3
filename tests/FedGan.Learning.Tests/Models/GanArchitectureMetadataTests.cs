using FedGan.Learning.Models;

namespace FedGan.Learning.Tests.Models;

public class GanArchitectureMetadataTests
{
    [Fact]
    public void An_architecture_survives_the_trip_through_metadata()
    {
        var architecture = new GanArchitecture(ImageSize: 64, Classes: 7, LatentDim: 100, GeneratorWidth: 48, DiscriminatorWidth: 24);

        Assert.Equal(architecture, GanArchitectureMetadata.FromMetadata(GanArchitectureMetadata.ToMetadata(architecture)));
    }

    [Fact]
    public void A_file_without_the_architecture_is_refused_with_the_missing_key()
    {
        var error = Assert.Throws<ArgumentException>(() => GanArchitectureMetadata.FromMetadata(new Dictionary<string, string> { ["format"] = "pt" }));

        Assert.Contains("fedgan.architecture.image_size", error.Message);
    }

    [Fact]
    public void A_malformed_or_impossible_value_is_refused()
    {
        var metadata = new Dictionary<string, string>(GanArchitectureMetadata.ToMetadata(GanArchitecture.Default))
        {
            ["fedgan.architecture.latent_dim"] = "sixty-four",
        };
        Assert.Throws<ArgumentException>(() => GanArchitectureMetadata.FromMetadata(metadata));

        metadata["fedgan.architecture.latent_dim"] = "64";
        metadata["fedgan.architecture.image_size"] = "32";
        Assert.Throws<ArgumentException>(() => GanArchitectureMetadata.FromMetadata(metadata));
    }
}
