namespace FedGan.Privacy.Tests;

public sealed class GaussianMechanismStepsTests
{
    [Theory]
    [InlineData(-0.1, 0.1, 10, "noise multiplier")]
    [InlineData(double.NaN, 0.1, 10, "noise multiplier")]
    [InlineData(double.PositiveInfinity, 0.1, 10, "noise multiplier")]
    [InlineData(1, -0.01, 10, "sampling rate")]
    [InlineData(1, 1.01, 10, "sampling rate")]
    [InlineData(1, double.NaN, 10, "sampling rate")]
    [InlineData(1, 0.1, -1, "number of steps")]
    public void Invalid_blocks_cannot_be_built(double noise, double rate, long steps, string named)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianMechanismSteps(noise, rate, steps));
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void With_expressions_are_validated_too()
    {
        var block = new GaussianMechanismSteps(1, 0.1, 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => block with { SamplingRate = 2 });
        Assert.Equal(new GaussianMechanismSteps(1, 0.2, 10), block with { SamplingRate = 0.2 });
    }

    [Fact]
    public void Boundary_values_are_accepted()
    {
        var block = new GaussianMechanismSteps(0, 1, 0);
        Assert.Equal((0.0, 1.0, 0L), (block.NoiseMultiplier, block.SamplingRate, block.Steps));
        Assert.True(block.IsTrivial);
    }
}
