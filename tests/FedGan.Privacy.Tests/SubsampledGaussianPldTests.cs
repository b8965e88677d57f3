namespace FedGan.Privacy.Tests;

/// <summary>The one-step discretisation on its own, per neighbour direction.</summary>
public sealed class SubsampledGaussianPldTests
{
    [Theory]
    [InlineData(1.0, 0.3, 1e-2)]
    [InlineData(2.0, 0.5, 1e-4)]
    [InlineData(0.7, 0.9, 1e-3)]
    public void Add_neighbour_alone_matches_its_closed_form(double sigma, double q, double delta)
    {
        // The add direction rarely gives the larger epsilon, so the accountant's results alone would
        // not reveal an error in it: check it directly against the closed form.
        var exact = SubsampledGaussianReference.SingleStepAddEpsilon(delta, sigma, q);
        var pmf = SubsampledGaussianPld.Discretize(sigma, q, Neighbour.Add, 1e-3, 1e-15);
        Assert.InRange(pmf.EpsilonForDelta(delta), exact - 1e-9, exact + 1e-4);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Discretisation_keeps_probability_and_the_other_measure(bool remove)
    {
        var neighbour = remove ? Neighbour.Remove : Neighbour.Add;
        // Total P-mass is 1, and E_P[e^-L] = Q(support of P) = 1 is preserved by connect-the-dots
        // (rounding up the lower tail can only lower it).
        var pmf = SubsampledGaussianPld.Discretize(1.2, 0.05, neighbour, 1e-3, 1e-15);
        var mass = pmf.Masses.Sum() + pmf.InfinityMass;
        var tilted = pmf.Masses.Select((m, i) => m * Math.Exp(-(pmf.FirstIndex + i) * pmf.Interval)).Sum();
        Assert.Equal(1, mass, 1e-12);
        Assert.InRange(tilted, 1 - 1e-9, 1 + 1e-12);
        Assert.All(pmf.Masses, m => Assert.True(m >= 0));
    }
}
