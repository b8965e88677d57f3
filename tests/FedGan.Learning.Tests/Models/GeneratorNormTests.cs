using FedGan.Learning.Models;
using static TorchSharp.torch;

namespace FedGan.Learning.Tests.Models;

public class GeneratorNormTests
{
    [Fact]
    public void A_class_conditional_norm_scales_and_shifts_each_image_by_its_own_class()
    {
        const int groups = 2, channels = 4, classes = 3;
        var generator = new Generator(21);
        using var norm = new GeneratorNorm(groups, channels, classes, classConditional: true);
        var parameters = norm.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (no_grad())
        {
            foreach (var parameter in parameters.Values)
                parameter.copy_(randn(parameter.shape, generator: generator));
        }
        var features = randn(new long[] { 3, channels, 5, 5 }, generator: generator);
        long[] labels = [2, 0, 2];

        using var noGrad = no_grad();
        var output = norm.forward(features, nn.functional.one_hot(tensor(labels), classes).to(float32));

        // Reference: GroupNorm by hand (population variance over each group's channels and pixels,
        // epsilon 1e-5), then the shared and the image's class scale and shift, channel by channel.
        var grouped = features.view(3, groups, -1);
        var mean = grouped.mean([2], keepdim: true);
        var variance = (grouped - mean).pow(2).mean([2], keepdim: true);
        var normalised = ((grouped - mean) / (variance + 1e-5).sqrt()).view(3, channels, 5, 5);
        for (var i = 0; i < labels.Length; i++)
        {
            for (var c = 0; c < channels; c++)
            {
                var scale = parameters["weight"][c].item<float>() + parameters["class_scale"][labels[i], c].item<float>();
                var shift = parameters["bias"][c].item<float>() + parameters["class_shift"][labels[i], c].item<float>();
                var expected = normalised[i, c] * scale + shift;
                Assert.True(allclose(output[i, c], expected, rtol: 1e-4, atol: 1e-5), $"image {i}, channel {c}");
            }
        }
    }

    [Fact]
    public void A_new_class_conditional_generator_draws_what_the_plain_one_does_until_a_class_term_moves()
    {
        using var plain = new ConditionalGenerator(new GanArchitecture(GeneratorWidth: 16));
        using var conditional = new ConditionalGenerator(new GanArchitecture(GeneratorWidth: 16, GeneratorClassNorm: true));
        var conditionalParameters = conditional.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in plain.named_parameters())
            conditionalParameters[name].copy_(parameter);
        Assert.Equal(["class_scale", "class_shift"],
            conditionalParameters.Keys.Where(n => n.StartsWith("up1_norm.")).Select(n => n["up1_norm.".Length..]).Except(["weight", "bias"]).Order());

        var z = randn(4, 64);
        var labels = tensor(new long[] { 3, 5, 3, 7 });
        Assert.True(allclose(plain.forward(z, labels), conditional.forward(z, labels), rtol: 1e-5, atol: 1e-6));

        conditionalParameters["up1_norm.class_shift"][3].fill_(0.5);
        var moved = (plain.forward(z, labels) - conditional.forward(z, labels)).abs().amax([1, 2, 3]);
        Assert.True(moved[0].item<float>() > 1e-3 && moved[2].item<float>() > 1e-3, "images of class 3 should change");
        // Other classes' images differ only by rounding (the plain path fuses the affine step into GroupNorm).
        Assert.True(moved[1].item<float>() < 1e-5 && moved[3].item<float>() < 1e-5, "images of other classes should not change");
    }
}
