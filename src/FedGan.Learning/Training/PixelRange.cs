using static TorchSharp.torch;

namespace FedGan.Learning.Training;

/// <summary>Pixels live in [0, 1] on disk and in PNGs; the GAN works in [-1, 1] (tanh output).</summary>
public static class PixelRange
{
    public static Tensor ToModel(Tensor pixels) => pixels * 2 - 1;

    public static Tensor ToPixels(Tensor modelImages) => ((modelImages + 1) / 2).clamp(0, 1);
}
