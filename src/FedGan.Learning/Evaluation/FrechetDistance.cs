using static TorchSharp.torch;

namespace FedGan.Learning.Evaluation;

/// <summary>
/// The Frechet distance between Gaussians fitted to two feature sets (Heusel et al. 2017, the
/// "FID" recipe, here in the evaluation CNN's feature space):
/// ||mu1 - mu2||^2 + tr(S1) + tr(S2) - 2 tr((S1^1/2 S2 S1^1/2)^1/2), computed in float64.
/// </summary>
public static class FrechetDistance
{
    /// <summary>Fits mean and (unbiased) covariance to each (N, d) feature matrix and compares them.</summary>
    public static double Between(Tensor features1, Tensor features2)
    {
        if (features1.dim() != 2 || features2.dim() != 2 || features1.shape[1] != features2.shape[1])
            throw new ArgumentException("Both feature sets must be (N, d) matrices with the same d.");
        if (features1.shape[0] < 2 || features2.shape[0] < 2)
            throw new ArgumentException("A covariance needs at least two samples per set.");
        using var scope = NewDisposeScope();
        var (mu1, s1) = Moments(features1);
        var (mu2, s2) = Moments(features2);
        return FromStatistics(mu1, s1, mu2, s2);
    }

    public static double FromStatistics(Tensor mean1, Tensor covariance1, Tensor mean2, Tensor covariance2)
    {
        using var scope = NewDisposeScope();
        var m1 = mean1.to(float64);
        var m2 = mean2.to(float64);
        var c1 = covariance1.to(float64);
        var c2 = covariance2.to(float64);
        var root1 = SymmetricSquareRoot(c1);
        var middle = root1.mm(c2).mm(root1);
        middle = (middle + middle.t()) / 2;
        // Eigenvalues of a PSD matrix can come out slightly negative in floating point.
        var crossTrace = linalg.eigvalsh(middle).clamp_min(0).sqrt().sum();
        var distance = (m1 - m2).square().sum() + c1.trace() + c2.trace() - 2 * crossTrace;
        return Math.Max(0, distance.item<double>());
    }

    private static (Tensor Mean, Tensor Covariance) Moments(Tensor features)
    {
        var x = features.to(float64);
        var mean = x.mean([0]);
        var centred = x - mean;
        return (mean, centred.t().mm(centred) / (x.shape[0] - 1));
    }

    private static Tensor SymmetricSquareRoot(Tensor matrix)
    {
        var (values, vectors) = linalg.eigh((matrix + matrix.t()) / 2);
        return vectors.mm(diag(values.clamp_min(0).sqrt())).mm(vectors.t());
    }
}
