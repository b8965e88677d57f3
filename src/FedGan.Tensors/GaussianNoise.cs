using System.Numerics;
using System.Security.Cryptography;

namespace FedGan.Tensors;

/// <summary>
/// Standard normal draws by the Box-Muller transform over 53-bit uniforms, from either a seeded
/// generator (xoshiro256**, reproducible: tests, simulations) or the operating system's
/// cryptographic generator (what privacy noise that leaves a site must use: a seeded generator's
/// output can be predicted by whoever learns the seed).
/// </summary>
public abstract class GaussianNoise
{
    private const double TwoToMinus53 = 1.0 / (1UL << 53);
    private readonly ulong[] _words = new ulong[512];

    public static GaussianNoise Seeded(ulong seed) => new Xoshiro256StarStar(seed);

    public static GaussianNoise Cryptographic() => new OperatingSystemRandom();

    /// <summary>Fills <paramref name="destination"/> with independent N(0, 1) draws.</summary>
    public void NextStandardNormals(Span<double> destination)
    {
        var filled = 0;
        while (filled < destination.Length)
        {
            var pairs = Math.Min(_words.Length / 2, (destination.Length - filled + 1) / 2);
            var words = _words.AsSpan(0, 2 * pairs);
            NextWords(words);
            for (var p = 0; p < pairs; p++)
            {
                // u1 in (0, 1] keeps the logarithm finite; u2 in [0, 1).
                var u1 = ((words[2 * p] >> 11) + 1) * TwoToMinus53;
                var u2 = (words[2 * p + 1] >> 11) * TwoToMinus53;
                var radius = Math.Sqrt(-2.0 * Math.Log(u1));
                var (sin, cos) = Math.SinCos(2.0 * Math.PI * u2);
                destination[filled++] = radius * cos;
                if (filled < destination.Length)
                    destination[filled++] = radius * sin;
            }
        }
    }

    public double NextStandardNormal()
    {
        Span<double> one = stackalloc double[1];
        NextStandardNormals(one);
        return one[0];
    }

    /// <summary>Uniform 64-bit words.</summary>
    protected abstract void NextWords(Span<ulong> destination);

    private sealed class OperatingSystemRandom : GaussianNoise
    {
        protected override void NextWords(Span<ulong> destination) =>
            RandomNumberGenerator.Fill(System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination));
    }

    /// <summary>xoshiro256** 1.0 (Blackman and Vigna, 2018), seeded through SplitMix64 as its authors recommend.</summary>
    private sealed class Xoshiro256StarStar : GaussianNoise
    {
        private ulong _s0, _s1, _s2, _s3;

        public Xoshiro256StarStar(ulong seed)
        {
            _s0 = SplitMix64(ref seed);
            _s1 = SplitMix64(ref seed);
            _s2 = SplitMix64(ref seed);
            _s3 = SplitMix64(ref seed);
        }

        protected override void NextWords(Span<ulong> destination)
        {
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
                var t = _s1 << 17;
                _s2 ^= _s0;
                _s3 ^= _s1;
                _s1 ^= _s2;
                _s0 ^= _s3;
                _s2 ^= t;
                _s3 = BitOperations.RotateLeft(_s3, 45);
            }
        }

        private static ulong SplitMix64(ref ulong state)
        {
            var z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
