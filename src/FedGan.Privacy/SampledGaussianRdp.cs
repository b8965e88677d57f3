namespace FedGan.Privacy;

/// <summary>
/// The Renyi divergence of one step of the Poisson-subsampled Gaussian mechanism (sensitivity 1,
/// noise sigma, sampling rate q), following Mironov, Talwar and Zhang (2019), "Renyi Differential
/// Privacy of the Sampled Gaussian Mechanism", Sections 3.3 (integer orders) and 3.4 (fractional
/// orders). It is the bound TensorFlow Privacy, Opacus and dp_accounting compute; every sum is
/// carried in log space as they do.
/// </summary>
public static class SampledGaussianRdp
{
    /// <summary>
    /// RDP epsilon at <paramref name="order"/> (&gt; 1) of one step. Exact for q = 0 (zero) and
    /// q = 1 (order / (2 sigma^2), the plain Gaussian mechanism); +infinity when sigma is 0 and q &gt; 0.
    /// </summary>
    public static double Compute(double samplingRate, double noiseMultiplier, double order)
    {
        var step = new GaussianMechanismSteps(noiseMultiplier, samplingRate, 1);
        if (!(order > 1) || double.IsNaN(order))
        {
            throw PrivacyArguments.OutOfRange(nameof(order), order, "A Renyi order must be greater than 1.");
        }

        if (step.SamplingRate == 0)
        {
            return 0;
        }

        if (step.NoiseMultiplier == 0 || double.IsPositiveInfinity(order))
        {
            return double.PositiveInfinity;
        }

        if (step.SamplingRate == 1)
        {
            return order / (2 * noiseMultiplier * noiseMultiplier);
        }

        var logA = order == Math.Floor(order) && order < int.MaxValue
            ? LogAIntegerOrder(samplingRate, noiseMultiplier, (int)order)
            : LogAFractionalOrder(samplingRate, noiseMultiplier, order);
        return logA / (order - 1);
    }

    /// <summary>
    /// log A_alpha for integer alpha: A_alpha = sum_k C(alpha,k) q^k (1-q)^(alpha-k) e^((k^2-k)/(2 sigma^2)),
    /// the binomial expansion of E_mu0[(mu/mu0)^alpha] (Mironov et al., Section 3.3).
    /// </summary>
    private static double LogAIntegerOrder(double q, double sigma, int alpha)
    {
        double logQ = Math.Log(q), log1MinusQ = AccurateMath.Log1p(-q);
        var twoSigmaSquared = 2 * sigma * sigma;
        var logA = double.NegativeInfinity;
        var logBinomial = 0.0; // log C(alpha, 0)
        for (var k = 0; k <= alpha; k++)
        {
            if (k > 0)
            {
                logBinomial += Math.Log((double)(alpha - k + 1) / k);
            }

            var term = logBinomial + k * logQ + (alpha - k) * log1MinusQ + ((double)k * k - k) / twoSigmaSquared;
            logA = LogSpace.Add(logA, term);
        }

        return logA;
    }

    /// <summary>
    /// log A_alpha for fractional alpha: the integral split at z0 = sigma^2 log(1/q - 1) + 1/2, where
    /// mu and mu0 cross, each side expanded as a binomial series whose terms are weighted by normal
    /// tails (Mironov et al., Section 3.4). The series alternate in sign past k = alpha, hence the
    /// signed log-space accumulation; it stops when both new terms fall below e^-30 relative to 1.
    /// </summary>
    private static double LogAFractionalOrder(double q, double sigma, double alpha)
    {
        double logQ = Math.Log(q), log1MinusQ = AccurateMath.Log1p(-q);
        var sigmaSquared = sigma * sigma;
        var z0 = sigmaSquared * (log1MinusQ - logQ) + 0.5;
        var sqrt2Sigma = Math.Sqrt(2) * sigma;
        double logA0 = double.NegativeInfinity, logA1 = double.NegativeInfinity;
        double logAbsBinomial = 0; // log |C(alpha, 0)|
        var binomialPositive = true;
        for (var i = 0; ; i++)
        {
            if (i > 0)
            {
                var factor = (alpha - i + 1) / i;
                logAbsBinomial += Math.Log(Math.Abs(factor));
                binomialPositive ^= factor < 0;
            }

            var j = alpha - i;
            var logT0 = logAbsBinomial + i * logQ + j * log1MinusQ;
            var logT1 = logAbsBinomial + j * logQ + i * log1MinusQ;
            var logE0 = Math.Log(0.5) + ErrorFunction.LogErfc((i - z0) / sqrt2Sigma);
            var logE1 = Math.Log(0.5) + ErrorFunction.LogErfc((z0 - j) / sqrt2Sigma);
            var logS0 = logT0 + ((double)i * i - i) / (2 * sigmaSquared) + logE0;
            var logS1 = logT1 + (j * j - j) / (2 * sigmaSquared) + logE1;
            if (binomialPositive)
            {
                logA0 = LogSpace.Add(logA0, logS0);
                logA1 = LogSpace.Add(logA1, logS1);
            }
            else
            {
                logA0 = LogSpace.Subtract(logA0, logS0);
                logA1 = LogSpace.Subtract(logA1, logS1);
            }

            if (Math.Max(logS0, logS1) < -30)
            {
                break;
            }
        }

        return LogSpace.Add(logA0, logA1);
    }
}
