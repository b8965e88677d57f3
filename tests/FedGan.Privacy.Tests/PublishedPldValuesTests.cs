namespace FedGan.Privacy.Tests;

/// <summary>
/// The PLD accountant against values published by dp_accounting's PLD accountant (Google) and
/// TensorFlow Privacy's DP-SGD statements, which use it. Those values come from a different
/// discretisation, itself a pessimistic estimate: agreement is asserted to the tolerance each source
/// states, or, where the source compares its own code to 7 places, to 1e-4 relative.
/// </summary>
public sealed class PublishedPldValuesTests
{
    private readonly PldAccountant pld = new();

    [Theory]
    // tensorflow/privacy compute_dp_sgd_privacy_test.py, test_compute_dp_sgd_example_privacy with
    // accountant PLD: num_epochs 1.2, noise_multiplier 0.7, delta 1e-5; microbatching halves the
    // noise (0.35); without subsampling count = ceil(1.2) = 2 steps at q = 1, with q = 1e-2
    // count = ceil(1.2 / 0.01) = 120 steps.
    [InlineData(0.7, 1.0, 2, 10.1224946)]
    [InlineData(0.35, 1.0, 2, 24.7160779)]
    [InlineData(0.7, 0.01, 120, 2.4612381)]
    [InlineData(0.35, 0.01, 120, 18.6977407)]
    public void Tensorflow_privacy_example_epsilons(double sigma, double q, long steps, double published)
    {
        var epsilon = pld.GetPrivacySpent([new(sigma, q, steps)], 1e-5).Epsilon;
        Assert.Equal(published, epsilon, published * 1e-4);
    }

    [Theory]
    // compute_dp_sgd_privacy_test.py, test_dp_sgd_privacy_statement_no_user_dp_with_pld: 10000
    // examples, batch 64, 5 epochs, noise 2.0 with microbatching (1.0), delta 1e-6, printed to 3
    // decimals: "once per epoch" 12.595 (5 steps at q = 1), "Poisson sampling" 1.199
    // (q = 64/10000, ceil(5 / 0.0064) = 782 steps).
    [InlineData(1.0, 1.0, 5, 12.595)]
    [InlineData(1.0, 0.0064, 782, 1.199)]
    public void Tensorflow_privacy_statement_epsilons(double sigma, double q, long steps, double printed)
    {
        var epsilon = pld.GetPrivacySpent([new(sigma, q, steps)], 1e-6).Epsilon;
        Assert.Equal(printed, Math.Round(epsilon, 3));
    }

    [Fact]
    public void Dp_accounting_gaussian_basic()
    {
        // google/differential-privacy dp_accounting pld_privacy_accountant_test.py, test_gaussian_basic:
        // three Gaussian mechanisms with noise sqrt(3): epsilon 1 at delta 0.126936, delta=1e-3.
        var epsilon = pld.GetPrivacySpent([new(Math.Sqrt(3), 1, 1), new(Math.Sqrt(3), 1, 2)], 0.126936).Epsilon;
        Assert.Equal(1, epsilon, 1e-3);
    }

    [Fact]
    public void Dp_accounting_poisson_subsampled_gaussian()
    {
        // pld_privacy_accountant_test.py, test_poisson_subsampled_gaussian and
        // test_self_composed_subsampled_gaussian: q 0.2, noise 0.5, 3 steps: epsilon 1 at delta
        // 0.15594, delta=1e-3.
        var epsilon = pld.GetPrivacySpent([new(0.5, 0.2, 3)], 0.15594).Epsilon;
        Assert.Equal(1, epsilon, 1e-3);
    }
}
