using FedGan.Learning.Models;
using static TorchSharp.torch;

namespace FedGan.Learning.Tests.Training;

/// <summary>
/// The obvious, slow way to get per-record gradients, independent of the code under test: one
/// forward and one ordinary backward pass per record, reading each parameter's .grad.
/// </summary>
internal static class SlowPerExampleReference
{
    /// <summary>Record i's gradient of softplus(-D(real_i, y_i)) + softplus(D(fake_i, y_i)), flattened over all D parameters.</summary>
    public static float[][] DiscriminatorGradients(ProjectionDiscriminator discriminator, Tensor real, Tensor fake, Tensor labels)
    {
        var n = real.shape[0];
        var result = new float[n][];
        for (var i = 0; i < n; i++)
        {
            using var scope = NewDisposeScope();
            discriminator.zero_grad();
            var images = cat([real.narrow(0, i, 1), fake.narrow(0, i, 1)]);
            var rowLabels = cat([labels.narrow(0, i, 1), labels.narrow(0, i, 1)]);
            var scores = discriminator.forward(images, rowLabels);
            var loss = nn.functional.softplus(-scores[0]) + nn.functional.softplus(scores[1]);
            loss.backward();
            result[i] = Flatten(discriminator.parameters().Select(p => p.grad!));
        }

        discriminator.zero_grad();
        return result;
    }

    public static float[] Flatten(IEnumerable<Tensor> tensors) =>
        tensors.SelectMany(t => t.contiguous().data<float>().ToArray()).ToArray();

    public static double Norm(float[] values) => Math.Sqrt(values.Sum(v => (double)v * v));
}
