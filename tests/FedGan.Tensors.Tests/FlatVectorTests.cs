namespace FedGan.Tensors.Tests;

public class FlatVectorTests
{
    [Fact]
    public void Norm_of_a_3_4_vector_is_5() => Assert.Equal(5.0, FlatVector.L2Norm([3f, 4f]));

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(37)]     // a vectorised body plus a scalar tail on any SIMD width
    [InlineData(100_000)]
    public void Norm_of_n_halves_is_half_root_n(int n)
    {
        // sum of n * 0.25 = n/4, so the norm is sqrt(n)/2.
        var values = Enumerable.Repeat(0.5f, n).ToArray();

        Assert.Equal(Math.Sqrt(n) / 2, FlatVector.L2Norm(values), 12);
    }

    [Fact]
    public void Norm_accumulates_in_double()
    {
        // 2^24 + 1 ones: a float accumulator would stop at 2^24 (16,777,216); double gets 16,777,217.
        var values = Enumerable.Repeat(1f, (1 << 24) + 1).ToArray();

        Assert.Equal(16_777_217.0, FlatVector.SumOfSquares(values));
    }

    [Fact]
    public void Clipping_scales_down_to_the_bound()
    {
        float[] values = [3f, 4f];

        var result = FlatVector.ClipToNorm(values, 1.0);

        Assert.Equal(new ClipResult(5.0, 0.2), result);
        Assert.True(result.WasClipped);
        Assert.Equal(0.6f, values[0], 6);
        Assert.Equal(0.8f, values[1], 6);
    }

    [Fact]
    public void Clipping_leaves_a_vector_within_the_bound_alone()
    {
        float[] values = [3f, 4f];

        var result = FlatVector.ClipToNorm(values, 10.0);

        Assert.False(result.WasClipped);
        Assert.Equal([3f, 4f], values);
    }

    [Fact]
    public void Clipping_a_long_vector_hits_the_bound()
    {
        var values = Enumerable.Range(0, 10_001).Select(i => (float)Math.Sin(i)).ToArray();

        FlatVector.ClipToNorm(values, 2.5);

        Assert.Equal(2.5, FlatVector.L2Norm(values), 5);
    }

    [Fact]
    public void Clipping_refuses_bad_bounds_and_non_finite_vectors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FlatVector.ClipToNorm(new float[2], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => FlatVector.ClipToNorm(new float[2], double.PositiveInfinity));
        Assert.Contains("Element 1", Assert.Throws<ArgumentException>(() => FlatVector.ClipToNorm(new[] { 1f, float.NaN }, 1)).Message);
    }

    [Theory]
    [InlineData(0, float.NaN)]
    [InlineData(5, float.PositiveInfinity)]
    [InlineData(36, float.NegativeInfinity)]
    public void Non_finite_values_are_found_wherever_they_are(int index, float bad)
    {
        var values = new float[37];
        Assert.True(FlatVector.AllFinite(values));

        values[index] = bad;

        Assert.False(FlatVector.AllFinite(values));
        Assert.Equal(index, FlatVector.IndexOfNonFinite(values));
    }

    [Fact]
    public void Large_finite_values_count_as_finite() =>
        Assert.True(FlatVector.AllFinite([float.MaxValue, float.MinValue, float.Epsilon, -0f]));

    [Fact]
    public void Weighted_sums_match_a_scalar_loop()
    {
        var update = Enumerable.Range(0, 1001).Select(i => (float)Math.Cos(i) * 3).ToArray();
        var floatSum = Enumerable.Range(0, 1001).Select(i => (float)i / 7).ToArray();
        var doubleSum = floatSum.Select(v => (double)v).ToArray();
        var expectedFloat = floatSum.Select((v, i) => v + 0.3f * update[i]).ToArray();
        var expectedDouble = doubleSum.Select((v, i) => v + 0.3 * update[i]).ToArray();

        FlatVector.AddScaled(floatSum, update, 0.3f);
        FlatVector.AddScaled(doubleSum, update, 0.3);

        // Element-wise and unfused: bit-identical to the scalar loop.
        Assert.Equal(expectedFloat, floatSum);
        Assert.Equal(expectedDouble, doubleSum);
    }

    [Fact]
    public void Setting_a_weighted_term_overwrites_whatever_the_accumulator_held()
    {
        var update = Enumerable.Range(0, 1001).Select(i => (float)Math.Sin(i) * 2).ToArray();
        var sum = Enumerable.Repeat(double.NaN, 1001).ToArray();

        FlatVector.SetScaled(sum, update, 0.7);

        Assert.Equal(update.Select(u => 0.7 * u).ToArray(), sum);
    }

    [Fact]
    public void Weighted_average_of_two_sites_by_hand()
    {
        // Site A: 300 samples, update [1, 2]; site B: 100 samples, update [5, -2].
        // Average = (300 [1,2] + 100 [5,-2]) / 400 = [2, 1].
        var sum = new double[2];
        FlatVector.AddScaled(sum, [1f, 2f], 300);
        FlatVector.AddScaled(sum, [5f, -2f], 100);
        var average = new float[2];

        FlatVector.ScaleToSingle(sum, 1.0 / 400, average);

        Assert.Equal([2f, 1f], average);
    }

    [Fact]
    public void Subtract_gives_the_update()
    {
        var update = new float[3];

        FlatVector.Subtract([1.5f, 2f, -1f], [0.5f, 2f, 1f], update);

        Assert.Equal([1f, 0f, -2f], update);
    }

    [Fact]
    public void Length_mismatch_is_refused() =>
        Assert.Throws<ArgumentException>(() => FlatVector.AddScaled(new float[3], new float[2], 1f));
}
