using FedGan.Learning.Models;

namespace FedGan.Learning.Tests.Models;

public class GanArchitectureMetadataTests
{
    [Fact]
    public void An_architecture_survives_the_trip_through_metadata()
    {
        var architecture = new GanArchitecture(ImageSize: 64, Classes: 7, LatentDim: 100, GeneratorWidth: 48, DiscriminatorWidth: 24);
        var classNorm = architecture with { GeneratorClassNorm = true };
        var discriminatorNorm = architecture with { DiscriminatorNorm = true };

        Assert.Equal(architecture, GanArchitectureMetadata.FromMetadata(GanArchitectureMetadata.ToMetadata(architecture)));
        Assert.Equal(classNorm, GanArchitectureMetadata.FromMetadata(GanArchitectureMetadata.ToMetadata(classNorm)));
        Assert.Equal(discriminatorNorm, GanArchitectureMetadata.FromMetadata(GanArchitectureMetadata.ToMetadata(discriminatorNorm)));
    }

    [Fact]
    public void A_file_from_before_the_norm_switches_reads_as_plain_networks_and_a_bad_flag_is_refused()
    {
        var metadata = new Dictionary<string, string>
        {
            ["fedgan.architecture.image_size"] = "28",
            ["fedgan.architecture.classes"] = "10",
            ["fedgan.architecture.latent_dim"] = "64",
            ["fedgan.architecture.generator_width"] = "32",
            ["fedgan.architecture.discriminator_width"] = "16",
        };
        Assert.False(GanArchitectureMetadata.FromMetadata(metadata).GeneratorClassNorm);
        Assert.False(GanArchitectureMetadata.FromMetadata(metadata).DiscriminatorNorm);

        metadata["fedgan.architecture.discriminator_norm"] = "1";
        var error = Assert.Throws<ArgumentException>(() => GanArchitectureMetadata.FromMetadata(metadata));
        Assert.Contains("discriminator_norm", error.Message);

        metadata["fedgan.architecture.discriminator_norm"] = "true";
        metadata["fedgan.architecture.generator_class_norm"] = "yes";
        error = Assert.Throws<ArgumentException>(() => GanArchitectureMetadata.FromMetadata(metadata));
        Assert.Contains("generator_class_norm", error.Message);
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
