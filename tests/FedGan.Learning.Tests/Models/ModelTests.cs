using FedGan.Learning.Models;
using FedGan.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedGan.Learning.Tests.Models;

public class ModelTests
{
    [Fact]
    public void Discriminator_has_no_batch_normalisation()
    {
        var discriminator = new ProjectionDiscriminator(GanArchitecture.Default);
        Assert.DoesNotContain(discriminator.modules(), m => m is BatchNorm1d or BatchNorm2d or BatchNorm3d);
        Assert.Empty(discriminator.buffers());
    }

    [Theory]
    [InlineData(28, false)]
    [InlineData(64, false)]
    [InlineData(28, true)]
    public void Each_image_score_and_each_fake_depend_on_that_example_alone(int size, bool discriminatorNorm)
    {
        // Per-record clipping bounds a record's influence only if no other row of the batch sees it.
        manual_seed(3);
        var arch = new GanArchitecture(ImageSize: size, GeneratorWidth: 16, DiscriminatorWidth: 8, DiscriminatorNorm: discriminatorNorm);
        var gan = new ConditionalGan(arch);
        var images = rand(6, 1, size, size) * 2 - 1;
        var labels = tensor(new long[] { 0, 1, 2, 3, 4, 5 });
        var z = randn(6, arch.LatentDim);
        using var noGrad = no_grad();

        var batchScores = gan.Discriminator.forward(images, labels);
        var batchFakes = gan.Generator.forward(z, labels);
        Assert.Equal(new long[] { 6, 1, size, size }, batchFakes.shape);
        for (var i = 0; i < 6; i++)
        {
            var alone = gan.Discriminator.forward(images.narrow(0, i, 1), labels.narrow(0, i, 1));
            Assert.Equal(batchScores[i].item<float>(), alone[0].item<float>(), 1e-4f);
            var fakeAlone = gan.Generator.forward(z.narrow(0, i, 1), labels.narrow(0, i, 1));
            Assert.True(fakeAlone.allclose(batchFakes.narrow(0, i, 1), rtol: 1e-4, atol: 1e-5));
        }
    }

    [Fact]
    public void Class_logits_rank_labels_as_the_discriminator_scores_them()
    {
        // D(x, c) = w . phi(x) + b + e_c . phi(x): the logits must be the scores less a term shared by every label.
        manual_seed(5);
        var arch = new GanArchitecture(Classes: 4, DiscriminatorWidth: 8);
        var discriminator = new ProjectionDiscriminator(arch);
        var images = rand(3, 1, 28, 28) * 2 - 1;
        var labels = tensor(new long[] { 2, 0, 3 });
        using var noGrad = no_grad();

        var (scores, logits) = discriminator.ScoreAndClassify(images, labels, activations: null);

        Assert.True(scores.allclose(discriminator.forward(images, labels), rtol: 1e-5, atol: 1e-5));
        Assert.Equal(new long[] { 3, 4 }, logits.shape);
        for (var i = 0; i < 3; i++)
        {
            var everyLabel = Enumerable.Range(0, 4)
                .Select(c => discriminator.forward(images.narrow(0, i, 1), tensor(new long[] { c })).item<float>()).ToArray();
            var shared = everyLabel[0] - logits[i, 0].item<float>();
            for (var c = 1; c < 4; c++)
                Assert.Equal(everyLabel[c] - shared, logits[i, c].item<float>(), 1e-4f);
        }
    }

    [Fact]
    public void Safetensors_round_trip_preserves_both_networks_outputs()
    {
        manual_seed(1);
        var source = new ConditionalGan(GanArchitecture.Default);
        var bytes = Safetensors.Serialize(ModelTensors.Export(source));
        var target = new ConditionalGan(GanArchitecture.Default); // different random weights
        ModelTensors.Import(target, Safetensors.Deserialize(bytes).Tensors);

        var z = randn(4, 64);
        var labels = tensor(new long[] { 0, 3, 7, 9 });
        var images = rand(4, 1, 28, 28) * 2 - 1;
        using var noGrad = no_grad();
        Assert.Equal(source.Generator.forward(z, labels).data<float>().ToArray(), target.Generator.forward(z, labels).data<float>().ToArray());
        Assert.Equal(source.Discriminator.forward(images, labels).data<float>().ToArray(), target.Discriminator.forward(images, labels).data<float>().ToArray());
    }

    [Fact]
    public void Tensor_names_are_the_module_parameter_names()
    {
        var names = ModelTensors.Export(new ConditionalGan(GanArchitecture.Default)).Select(t => t.Name).ToArray();
        // The names the wire format promises (see DESIGN.md: tensor names are parameter names).
        Assert.Contains("generator.project.weight", names);
        Assert.Contains("generator.up1_norm.bias", names);
        Assert.Contains("generator.to_image.weight", names);
        Assert.Contains("discriminator.conv1.weight", names);
        Assert.Contains("discriminator.conv3.bias", names);
        Assert.Contains("discriminator.critic.weight", names);
        Assert.Contains("discriminator.label_projection.weight", names);
        Assert.DoesNotContain("discriminator.label_projection.bias", names);
    }

    [Fact]
    public void Import_rejects_missing_unexpected_and_misshapen_tensors()
    {
        var gan = new ConditionalGan(GanArchitecture.Default);
        var tensors = ModelTensors.Export(gan).ToList();

        var missing = Assert.Throws<ArgumentException>(() => ModelTensors.Import(gan, tensors.Skip(1).ToArray()));
        Assert.Contains(tensors[0].Name, missing.Message);

        var extra = tensors.Append(new NamedTensor("discriminator.extra", [1], [0f])).ToArray();
        Assert.Contains("discriminator.extra", Assert.Throws<ArgumentException>(() => ModelTensors.Import(gan, extra)).Message);

        var first = tensors[0];
        var reshaped = tensors.Skip(1).Prepend(new NamedTensor(first.Name, [first.Values.Length], first.Values)).ToArray();
        Assert.Contains("shape", Assert.Throws<ArgumentException>(() => ModelTensors.Import(gan, reshaped)).Message);
    }

    [Fact]
    public void A_64_pixel_architecture_builds_images_of_64_pixels()
    {
        var gan = new ConditionalGan(new GanArchitecture(ImageSize: 64, GeneratorWidth: 16, DiscriminatorWidth: 8));
        using var noGrad = no_grad();
        var fakes = gan.Generator.forward(randn(2, 64), tensor(new long[] { 1, 2 }));
        Assert.Equal(new long[] { 2, 1, 64, 64 }, fakes.shape);
        Assert.Equal(new long[] { 2 }, gan.Discriminator.forward(fakes, tensor(new long[] { 1, 2 })).shape);
    }

    [Fact]
    public void Fresh_generators_start_with_unit_scale_zero_shift_group_norms()
    {
        // PyTorch's GroupNorm default; TorchSharp 0.107 alone leaves these uninitialised.
        for (var i = 0; i < 3; i++)
        {
            var generator = new ConditionalGenerator(new GanArchitecture(ImageSize: 64));
            foreach (var (name, parameter) in generator.named_parameters().Where(p => p.name.Contains("norm")))
                Assert.True(parameter.eq(name.EndsWith("weight") ? 1 : 0).all().item<bool>(), name);
            using var noGrad = no_grad();
            Assert.False(generator.forward(randn(2, 64), tensor(new long[] { 0, 1 })).isnan().any().item<bool>());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void With_feature_normalisation_the_scores_ignore_the_scale_of_the_second_convolution(bool discriminatorNorm)
    {
        // Normalising conv2's output over its channel groups divides out any common factor of
        // its weights and bias; without the norm the factor passes through the leaky ReLU.
        manual_seed(4);
        var discriminator = new ProjectionDiscriminator(new GanArchitecture(DiscriminatorWidth: 8, DiscriminatorNorm: discriminatorNorm));
        var images = rand(4, 1, 28, 28) * 2 - 1;
        var labels = tensor(new long[] { 0, 3, 5, 9 });
        using var noGrad = no_grad();
        var before = discriminator.forward(images, labels);

        var conv2 = discriminator.Layers[1]; // conv1, conv2, ... come first
        conv2.Weight.mul_(3);
        conv2.Bias!.mul_(3);
        var after = discriminator.forward(images, labels);

        Assert.Equal(discriminatorNorm, after.allclose(before, rtol: 1e-4, atol: 1e-4));
    }

    [Fact]
    public void Feature_normalisation_needs_a_discriminator_width_its_groups_divide()
    {
        var error = Assert.Throws<ArgumentException>(() => new GanArchitecture(DiscriminatorWidth: 6, DiscriminatorNorm: true).Validate());
        Assert.Contains("multiple of 4", error.Message);
        Assert.Equal(6, new GanArchitecture(DiscriminatorWidth: 6).Validate().DiscriminatorWidth);
    }

    [Theory]
    [InlineData(32)]
    [InlineData(1)]
    public void Unsupported_image_sizes_are_refused(int size) =>
        Assert.Throws<ArgumentException>(() => new GanArchitecture(ImageSize: size).Validate());
}
