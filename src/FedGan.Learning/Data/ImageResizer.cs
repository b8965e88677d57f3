namespace FedGan.Learning.Data;

/// <summary>Resizes one single-channel row-major image.</summary>
public static class ImageResizer
{
    public static float[] Resize(ReadOnlySpan<float> source, int sourceHeight, int sourceWidth, int height, int width, ResizeFilter filter)
    {
        if (sourceHeight <= 0 || sourceWidth <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"Cannot resize {sourceHeight}x{sourceWidth} to {height}x{width}.");
        if (source.Length != sourceHeight * sourceWidth)
            throw new ArgumentException($"A {sourceHeight}x{sourceWidth} image has {sourceHeight * sourceWidth} pixels, not {source.Length}.");
        if (sourceHeight == height && sourceWidth == width)
            return source.ToArray();
        return filter switch
        {
            ResizeFilter.Area => Separable(source, sourceHeight, sourceWidth, height, width, AreaWeights),
            ResizeFilter.Bilinear => Separable(source, sourceHeight, sourceWidth, height, width, BilinearWeights),
            _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "Unknown resize filter."),
        };
    }

    // Both filters are separable: resize rows, then columns, with per-output-pixel weight lists.
    private static float[] Separable(ReadOnlySpan<float> source, int sh, int sw, int h, int w, Func<int, int, (int Index, double Weight)[][]> weights)
    {
        var across = weights(sw, w);
        var down = weights(sh, h);
        var rows = new double[sh * w];
        for (var y = 0; y < sh; y++)
            for (var x = 0; x < w; x++)
            {
                double sum = 0;
                foreach (var (index, weight) in across[x])
                    sum += weight * source[y * sw + index];
                rows[y * w + x] = sum;
            }
        var result = new float[h * w];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                double sum = 0;
                foreach (var (index, weight) in down[y])
                    sum += weight * rows[index * w + x];
                result[y * w + x] = (float)Math.Clamp(sum, 0.0, 1.0);
            }
        return result;
    }

    /// <summary>Output pixel i covers input [i * n / m, (i + 1) * n / m); weights are overlap lengths, normalised.</summary>
    private static (int, double)[][] AreaWeights(int n, int m)
    {
        var result = new (int, double)[m][];
        var scale = (double)n / m;
        for (var i = 0; i < m; i++)
        {
            var start = i * scale;
            var end = (i + 1) * scale;
            var list = new List<(int, double)>();
            for (var j = (int)Math.Floor(start); j < Math.Min(n, (int)Math.Ceiling(end)); j++)
            {
                var overlap = Math.Min(end, j + 1) - Math.Max(start, j);
                if (overlap > 1e-12)
                    list.Add((j, overlap / scale));
            }
            result[i] = [.. list];
        }
        return result;
    }

    /// <summary>Sample at (i + 0.5) * n / m - 0.5, clamped to the edge pixels.</summary>
    private static (int, double)[][] BilinearWeights(int n, int m)
    {
        var result = new (int, double)[m][];
        var scale = (double)n / m;
        for (var i = 0; i < m; i++)
        {
            var position = Math.Clamp((i + 0.5) * scale - 0.5, 0, n - 1);
            var left = (int)Math.Floor(position);
            var right = Math.Min(left + 1, n - 1);
            var fraction = position - left;
            result[i] = right == left ? [(left, 1.0)] : [(left, 1 - fraction), (right, fraction)];
        }
        return result;
    }
}
