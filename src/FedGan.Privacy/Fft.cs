using System.Numerics;

namespace FedGan.Privacy;

/// <summary>
/// In-place radix-2 complex FFT. Twiddle factors are computed directly with sin/cos for each
/// index rather than by recurrence, so rounding error stays near one ulp per stage; the PLD
/// accountant raises transforms to powers in the thousands, which magnifies any error.
/// </summary>
internal static class Fft
{
    public static void Forward(Complex[] data) => Transform(data, -1);

    /// <summary>Inverse transform, scaled by 1/N.</summary>
    public static void Inverse(Complex[] data)
    {
        Transform(data, +1);
        var scale = 1.0 / data.Length;
        for (var i = 0; i < data.Length; i++)
        {
            data[i] *= scale;
        }
    }

    public static int NextPowerOfTwo(long n)
    {
        if (n > 1 << 30)
        {
            throw PrivacyArguments.OutOfRange(nameof(n), n, "The transform would be too large.");
        }

        var size = 1;
        while (size < n)
        {
            size <<= 1;
        }

        return size;
    }

    private static void Transform(Complex[] data, int sign)
    {
        var n = data.Length;
        if ((n & (n - 1)) != 0)
        {
            throw new ArgumentException("FFT length must be a power of two.", nameof(data));
        }

        BitReverse(data);
        var twiddles = Twiddles(n, sign);
        for (var length = 2; length <= n; length <<= 1)
        {
            var half = length >> 1;
            var stride = n / length;
            for (var start = 0; start < n; start += length)
            {
                for (var k = 0; k < half; k++)
                {
                    var w = twiddles[k * stride];
                    var odd = data[start + k + half] * w;
                    var even = data[start + k];
                    data[start + k] = even + odd;
                    data[start + k + half] = even - odd;
                }
            }
        }
    }

    private static Complex[] Twiddles(int n, int sign)
    {
        var twiddles = new Complex[Math.Max(1, n / 2)];
        for (var k = 0; k < twiddles.Length; k++)
        {
            var (sin, cos) = Math.SinCos(2 * Math.PI * k / n);
            twiddles[k] = new Complex(cos, sign * sin);
        }

        return twiddles;
    }

    private static void BitReverse(Complex[] data)
    {
        var n = data.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            var bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1)
            {
                j ^= bit;
            }

            j ^= bit;
            if (i < j)
            {
                (data[i], data[j]) = (data[j], data[i]);
            }
        }
    }
}
