using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FedGan.Tensors;

/// <summary>
/// Arithmetic on a model update flattened to one float span, vectorised with
/// <see cref="Vector{T}"/>. Element-wise operations give the same bits as a scalar loop (no fused
/// multiply-add), so an aggregation re-run anywhere yields the same bytes; reductions (the norm)
/// accumulate in double.
/// </summary>
public static class FlatVector
{
    /// <summary>Sum of squares, accumulated in double.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> values)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        var low = Vector<double>.Zero;
        var high = Vector<double>.Zero;
        foreach (var v in vectors)
        {
            Vector.Widen(v, out var a, out var b);
            low += a * a;
            high += b * b;
        }
        var sum = Vector.Sum(low + high);
        for (var i = vectors.Length * Vector<float>.Count; i < values.Length; i++)
            sum += (double)values[i] * values[i];
        return sum;
    }

    public static double L2Norm(ReadOnlySpan<float> values) => Math.Sqrt(SumOfSquares(values));

    /// <summary>True when no element is NaN or infinite (x - x is 0 exactly for finite x, NaN otherwise).</summary>
    public static bool AllFinite(ReadOnlySpan<float> values) => IndexOfNonFinite(values) < 0;

    /// <summary>Index of the first NaN or infinite element, or -1.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        for (var k = 0; k < vectors.Length; k++)
        {
            if (!Vector.EqualsAll(vectors[k] - vectors[k], Vector<float>.Zero))
            {
                for (var i = k * Vector<float>.Count; ; i++)
                    if (!float.IsFinite(values[i]))
                        return i;
            }
        }
        for (var i = vectors.Length * Vector<float>.Count; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                return i;
        return -1;
    }

    public static void Scale(Span<float> values, float factor)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        var f = new Vector<float>(factor);
        for (var k = 0; k < vectors.Length; k++)
            vectors[k] *= f;
        for (var i = vectors.Length * Vector<float>.Count; i < values.Length; i++)
            values[i] *= factor;
    }

    /// <summary>
    /// Scales <paramref name="values"/> so its L2 norm is at most <paramref name="bound"/>
    /// (factor min(1, bound / norm), as in DP-FedAvg) and says what it did.
    /// </summary>
    public static ClipResult ClipToNorm(Span<float> values, double bound)
    {
        if (!(bound > 0) || !double.IsFinite(bound))
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "The clipping bound must be a positive finite number.");
        var bad = IndexOfNonFinite(values);
        if (bad >= 0)
            throw new ArgumentException($"Element {bad} is {values[bad]}; a vector with non-finite values cannot be clipped.", nameof(values));
        var norm = L2Norm(values);
        if (norm <= bound)
            return new ClipResult(norm, 1.0);
        var factor = bound / norm;
        Scale(values, (float)factor);
        return new ClipResult(norm, factor);
    }

    /// <summary>sum[i] += weight * update[i], for streaming weighted averages in float.</summary>
    public static void AddScaled(Span<float> sum, ReadOnlySpan<float> update, float weight)
    {
        CheckSameLength(sum.Length, update.Length);
        var sums = MemoryMarshal.Cast<float, Vector<float>>(sum);
        var updates = MemoryMarshal.Cast<float, Vector<float>>(update);
        var w = new Vector<float>(weight);
        for (var k = 0; k < sums.Length; k++)
            sums[k] += w * updates[k];
        for (var i = sums.Length * Vector<float>.Count; i < sum.Length; i++)
            sum[i] += weight * update[i];
    }

    /// <summary>sum[i] += weight * update[i] with a double accumulator, so the order of many sites barely matters.</summary>
    public static void AddScaled(Span<double> sum, ReadOnlySpan<float> update, double weight) => Scaled(sum, update, weight, accumulate: true);

    /// <summary>sum[i] = weight * update[i]: starts a double accumulator with its first term, without clearing it first.</summary>
    public static void SetScaled(Span<double> sum, ReadOnlySpan<float> update, double weight) => Scaled(sum, update, weight, accumulate: false);

    // A few calls per round, each over millions of values: compiled fully optimised at once, not
    // through tiering's quick-jitted and on-stack-replaced versions (docs/results.md, Benchmarks).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scaled(Span<double> sum, ReadOnlySpan<float> update, double weight, bool accumulate)
    {
        CheckSameLength(sum.Length, update.Length);
        var updates = MemoryMarshal.Cast<float, Vector<float>>(update);
        var sums = MemoryMarshal.Cast<double, Vector<double>>(sum[..(updates.Length * Vector<float>.Count)]);
        var w = new Vector<double>(weight);
        // Two loops, not keep * sum + term (a fresh accumulator may hold NaN, and 0 * NaN is NaN)
        // nor a test inside one loop, which the JIT leaves there at a cost.
        if (accumulate)
        {
            for (var k = 0; k < updates.Length; k++)
            {
                Vector.Widen(updates[k], out var low, out var high);
                sums[2 * k] += w * low;
                sums[2 * k + 1] += w * high;
            }
        }
        else
        {
            for (var k = 0; k < updates.Length; k++)
            {
                Vector.Widen(updates[k], out var low, out var high);
                sums[2 * k] = w * low;
                sums[2 * k + 1] = w * high;
            }
        }
        for (var i = updates.Length * Vector<float>.Count; i < sum.Length; i++)
            sum[i] = accumulate ? sum[i] + weight * update[i] : weight * update[i];
    }

    /// <summary>sum[i] += addend[i]: merges two double accumulators.</summary>
    // Fully optimised at once, as Scaled is.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(Span<double> sum, ReadOnlySpan<double> addend)
    {
        CheckSameLength(sum.Length, addend.Length);
        var sums = MemoryMarshal.Cast<double, Vector<double>>(sum);
        var addends = MemoryMarshal.Cast<double, Vector<double>>(addend);
        for (var k = 0; k < sums.Length; k++)
            sums[k] += addends[k];
        for (var i = sums.Length * Vector<double>.Count; i < sum.Length; i++)
            sum[i] += addend[i];
    }

    /// <summary>destination[i] = (float)(source[i] * factor): finishes a double-accumulated average.</summary>
    public static void ScaleToSingle(ReadOnlySpan<double> source, double factor, Span<float> destination)
    {
        CheckSameLength(destination.Length, source.Length);
        for (var i = 0; i < source.Length; i++)
            destination[i] = (float)(source[i] * factor);
    }

    /// <summary>destination = a - b (a local model minus the global one is the update).</summary>
    public static void Subtract(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination)
    {
        CheckSameLength(a.Length, b.Length);
        CheckSameLength(a.Length, destination.Length);
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        var vd = MemoryMarshal.Cast<float, Vector<float>>(destination);
        for (var k = 0; k < va.Length; k++)
            vd[k] = va[k] - vb[k];
        for (var i = va.Length * Vector<float>.Count; i < a.Length; i++)
            destination[i] = a[i] - b[i];
    }

    /// <summary>Adds N(0, std^2) noise to every element, drawing from <paramref name="noise"/>.</summary>
    public static void AddGaussianNoise(Span<float> values, double std, GaussianNoise noise)
    {
        ArgumentNullException.ThrowIfNull(noise);
        if (!(std >= 0) || !double.IsFinite(std))
            throw new ArgumentOutOfRangeException(nameof(std), std, "The noise standard deviation must be finite and non-negative.");
        if (std == 0)
            return;
        const int chunk = 4096;
        Span<double> draws = stackalloc double[chunk];
        for (var done = 0; done < values.Length; done += chunk)
        {
            var count = Math.Min(chunk, values.Length - done);
            noise.NextStandardNormals(draws[..count]);
            var target = values.Slice(done, count);
            for (var i = 0; i < count; i++)
                target[i] = (float)(target[i] + std * draws[i]);
        }
    }

    private static void CheckSameLength(int a, int b)
    {
        if (a != b)
            throw new ArgumentException($"The vectors differ in length ({a} and {b}).");
    }
}

/// <summary>What clipping did: the norm before, and the factor applied (1 when already within the bound).</summary>
public readonly record struct ClipResult(double NormBefore, double Factor)
{
    public bool WasClipped => Factor < 1.0;
}
