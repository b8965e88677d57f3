namespace FedGan.Learning.Models;

/// <summary>
/// The shape of FedGan's conditional GAN. Two models with equal architectures have the same
/// parameter names and shapes, so their weights (and updates) can be exchanged as safetensors.
/// </summary>
/// <param name="ImageSize">Side of the square single-channel images: 28 (default) or 64.</param>
/// <param name="Classes">Number of labels the GAN is conditioned on.</param>
/// <param name="LatentDim">Length of the generator's noise vector z.</param>
/// <param name="GeneratorWidth">Channels of the generator's last hidden layer; earlier layers double it.</param>
/// <param name="DiscriminatorWidth">Channels of the discriminator's first layer; later layers double it.</param>
/// <param name="GeneratorClassNorm">G's normalisation layers also take the label (per-class scale and shift; see <see cref="GeneratorNorm"/>).</param>
/// <param name="DiscriminatorNorm">D normalises each image's feature maps after every convolution but the first (group norm without parameters; see <see cref="ProjectionDiscriminator"/>).</param>
public sealed record GanArchitecture(
    int ImageSize = 28,
    int Classes = 10,
    int LatentDim = 64,
    int GeneratorWidth = 32,
    int DiscriminatorWidth = 16,
    bool GeneratorClassNorm = false,
    bool DiscriminatorNorm = false)
{
    /// <summary>Channel groups of D's feature normalisation (<see cref="DiscriminatorNorm"/>), as G's norms have.</summary>
    public const int DiscriminatorNormGroups = 8;

    public static GanArchitecture Default { get; } = new();

    /// <summary>Stride-2 stages between the smallest feature map and the image (28: 7->14->28, 64: 8->16->32->64).</summary>
    public int Upsamplings => ImageSize == 28 ? 2 : 3;

    /// <summary>Side of the generator's first feature map and of the discriminator's last one.</summary>
    public int BaseSize => ImageSize >> Upsamplings;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot be built.</summary>
    public GanArchitecture Validate()
    {
        if (ImageSize is not (28 or 64))
            throw new ArgumentException($"Image size must be 28 or 64, not {ImageSize}.");
        if (Classes < 2)
            throw new ArgumentException($"A conditional GAN needs at least 2 classes, not {Classes}.");
        if (LatentDim < 1)
            throw new ArgumentException($"Latent dimension must be positive, not {LatentDim}.");
        if (GeneratorWidth < 8 || GeneratorWidth % 8 != 0)
            throw new ArgumentException($"Generator width must be a positive multiple of 8 (it is split into 8 norm groups), not {GeneratorWidth}.");
        if (DiscriminatorWidth < 1)
            throw new ArgumentException($"Discriminator width must be positive, not {DiscriminatorWidth}.");
        // The normalised layers have 2, 4, ... times the width in channels, split into 8 groups.
        if (DiscriminatorNorm && DiscriminatorWidth % 4 != 0)
            throw new ArgumentException($"With D's feature normalisation, the discriminator width must be a multiple of 4 (its second layer's channels are split into 8 groups), not {DiscriminatorWidth}.");
        return this;
    }
}
