using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedGan.Learning.Models;

/// <summary>
/// G(z, label): a DCGAN-style generator for single-channel images in [-1, 1]. The label enters
/// as a one-hot vector next to z and, with <see cref="GanArchitecture.GeneratorClassNorm"/>, in
/// every normalisation layer too (<see cref="GeneratorNorm"/>). It normalises with GroupNorm, not
/// BatchNorm, so a fake image depends only on its own (z, label): no statistic couples the images
/// of a batch, and the model has no buffers, only parameters.
/// </summary>
public sealed class ConditionalGenerator : nn.Module<Tensor, Tensor, Tensor>
{
    private const int NormGroups = 8;
    private readonly Linear project;
    private readonly GeneratorNorm projectNorm;
    private readonly ConvTranspose2d[] upsamplings;
    private readonly GeneratorNorm[] upsamplingNorms;
    private readonly ConvTranspose2d toImage;
    private readonly GanArchitecture architecture;
    private readonly long baseChannels;

    public ConditionalGenerator(GanArchitecture architecture) : base("generator")
    {
        this.architecture = architecture.Validate();
        var hiddenStages = architecture.Upsamplings - 1;
        baseChannels = (long)architecture.GeneratorWidth << hiddenStages;
        var baseSize = architecture.BaseSize;

        project = nn.Linear(architecture.LatentDim + architecture.Classes, baseChannels * baseSize * baseSize);
        projectNorm = NewNorm(baseChannels);
        register_module("project", project);
        register_module("project_norm", projectNorm);

        upsamplings = new ConvTranspose2d[hiddenStages];
        upsamplingNorms = new GeneratorNorm[hiddenStages];
        var channels = baseChannels;
        for (var i = 0; i < hiddenStages; i++)
        {
            upsamplings[i] = nn.ConvTranspose2d(channels, channels / 2, 4, stride: 2, padding: 1);
            upsamplingNorms[i] = NewNorm(channels / 2);
            register_module($"up{i + 1}", upsamplings[i]);
            register_module($"up{i + 1}_norm", upsamplingNorms[i]);
            channels /= 2;
        }

        toImage = nn.ConvTranspose2d(channels, 1, 4, stride: 2, padding: 1);
        register_module("to_image", toImage);
    }

    public GanArchitecture Architecture => architecture;

    private GeneratorNorm NewNorm(long channels) =>
        new(NormGroups, channels, architecture.Classes, architecture.GeneratorClassNorm);

    /// <summary>Images (n, 1, size, size) in [-1, 1] for noise z (n, latent) and labels (n) of type int64.</summary>
    public override Tensor forward(Tensor z, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var oneHot = nn.functional.one_hot(labels, architecture.Classes).to(z.dtype);
        var h = project.forward(cat([z, oneHot], 1))
            .view(-1, baseChannels, architecture.BaseSize, architecture.BaseSize);
        h = nn.functional.relu(projectNorm.forward(h, oneHot));
        for (var i = 0; i < upsamplings.Length; i++)
            h = nn.functional.relu(upsamplingNorms[i].forward(upsamplings[i].forward(h), oneHot));
        return tanh(toImage.forward(h)).MoveToOuterDisposeScope();
    }
}
