using FedGan.Learning.Models;
using static TorchSharp.torch;

namespace FedGan.Learning.Tests.Training;

/// <summary>
/// The obvious, slow way to get per-record gradients, independent of the code under test: one
/// forward and one ordinary backward pass per record, reading each parameter's .grad.
/// </summary>
internal static class SlowPerExampleReference
{
    /// <summary>
    /// Record i's gradient of softplus(-D(real_i, y_i)) + softplus(D(fake_i, y_i)), plus, with a
    /// class loss weight w, w times the cross-entropy of softmax over c of D(real_i, c) against
    /// y_i (D(x, c) differs from the class logit e_c . phi(x) by a term that is the same for every
    /// c, so the softmax is the same), flattened over all D parameters.
    /// </summary>
    public static float[][] DiscriminatorGradients(ProjectionDiscriminator discriminator, Tensor real, Tensor fake, Tensor labels, double classLossWeight = 0)
    {
        var classes = discriminator.Architecture.Classes;
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
            if (classLossWeight != 0)
            {
                var label = labels[i].item<long>();
                var everyLabel = Enumerable.Range(0, classes)
                    .Select(c => discriminator.forward(real.narrow(0, i, 1), tensor(new long[] { c }))).ToArray();
                var logSumExp = cat(everyLabel).logsumexp(0);
                loss = loss + classLossWeight * (logSumExp - everyLabel[label].squeeze(0));
            }

            loss.backward();
            result[i] = Flatten(discriminator.parameters().Select(p => p.grad!));
        }

        discriminator.zero_grad();
        return result;
    }

    /// <summary>
    /// The gradient of one row of D's loss, flattened over all D parameters: softplus(-D(x, y))
    /// for a real image, softplus(D(x, y)) for a fake one.
    /// </summary>
    public static float[] RowGradient(ProjectionDiscriminator discriminator, Tensor image, long label, bool real)
    {
        using var scope = NewDisposeScope();
        discriminator.zero_grad();
        var score = discriminator.forward(image.unsqueeze(0), tensor(new[] { label }))[0];
        var loss = nn.functional.softplus(real ? -score : score);
        loss.backward();
        var gradient = Flatten(discriminator.parameters().Select(p => p.grad!));
        discriminator.zero_grad();
        return gradient;
    }

    public static float[] Flatten(IEnumerable<Tensor> tensors) =>
        tensors.SelectMany(t => t.contiguous().data<float>().ToArray()).ToArray();

    public static double Norm(float[] values) => Math.Sqrt(values.Sum(v => (double)v * v));
}
