using FedGan.Learning.Data;
using static TorchSharp.torch;

namespace FedGan.Learning.Training;

/// <summary>
/// A site's labelled images as tensors in the models' value range: images (N, 1, H, W) in
/// [-1, 1] and int64 labels (N). Built once per site so training steps only index into them.
/// </summary>
public sealed class TrainingImages : IDisposable
{
    public TrainingImages(LabeledImages source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Height != source.Width)
            throw new ArgumentException($"The GAN trains on square images, not {source.Height}x{source.Width}.");
        using var pixels = tensor(source.Pixels).reshape(source.Count, 1, source.Height, source.Width);
        Images = PixelRange.ToModel(pixels);
        Labels = tensor(source.Labels.Select(l => (long)l).ToArray());
        Count = source.Count;
        ImageSize = source.Height;
        Classes = source.ClassNames.Count;
    }

    public Tensor Images { get; }

    public Tensor Labels { get; }

    public int Count { get; }

    public int ImageSize { get; }

    public int Classes { get; }

    /// <summary>The images and labels at <paramref name="indices"/> (int64, any order).</summary>
    public (Tensor Images, Tensor Labels) Select(Tensor indices) =>
        (Images.index_select(0, indices), Labels.index_select(0, indices));

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
