namespace FedGan.Privacy.Tests;

public sealed class ErrorFunctionTests
{
    // Reference values: mpmath 1.2.1, mpmath.erfc(x) and mpmath.log(mpmath.erfc(x)) at 40 digits.
    [Theory]
    [InlineData(-3.0, 1.9999779095030014146, 0.69313613525044681032)]
    [InlineData(-0.5, 1.5204998778130465377, 0.41903914777555958036)]
    [InlineData(0.0, 1.0, 0.0)]
    [InlineData(0.3, 0.67137324054087258381, -0.3984300514400852726)]
    [InlineData(0.99, 0.16149193044463020018, -1.823300103854901833)]
    [InlineData(1.0, 0.15729920705028513066, -1.8496055099332482486)]
    [InlineData(1.7, 0.016209541409225439159, -4.1221552342439039137)]
    [InlineData(3.0, 2.2090496998585441373e-5, -10.720363041981112568)]
    [InlineData(5.5, 7.3578479179743980631e-15, -32.543008907376962436)]
    [InlineData(10.0, 2.088487583762544757e-45, -102.87988902484488857)]
    public void Erfc_matches_multi_precision_values(double x, double erfc, double logErfc)
    {
        Assert.Equal(erfc, ErrorFunction.Erfc(x), erfc * 1e-14);
        Assert.Equal(logErfc, ErrorFunction.LogErfc(x), Math.Max(1e-14, Math.Abs(logErfc) * 1e-14));
    }

    [Theory]
    [InlineData(27.0, -732.86888650789741098)]
    [InlineData(40.0, -1604.2615566532735557)]
    public void LogErfc_stays_finite_where_erfc_underflows(double x, double logErfc)
    {
        Assert.Equal(logErfc, ErrorFunction.LogErfc(x), Math.Abs(logErfc) * 1e-14);
    }

    [Fact]
    public void Normal_interval_keeps_relative_precision_far_in_the_tail()
    {
        // P(8 < Z <= 8.5) = ncdf(-8) - ncdf(-8.5), mpmath at 40 digits; 1 - cdf would give 0 here.
        const double expected = 6.12616522604975094e-16;
        Assert.Equal(expected, ErrorFunction.NormalInterval(8, 8.5), expected * 1e-12);
        Assert.Equal(expected, ErrorFunction.NormalInterval(-8.5, -8), expected * 1e-12);
    }
}
