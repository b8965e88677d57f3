namespace FedGan.Learning.Data;

/// <summary>
/// Derives independent, reproducible seeds from one user seed (SplitMix64 finaliser), so each
/// random stream (partition, each site's shift, each site's noise) can be regenerated on its own.
/// </summary>
internal static class SeedSequence
{
    public static int Derive(int seed, int stream)
    {
        var z = unchecked(((ulong)(uint)seed << 32 | (uint)stream) + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (int)(z & int.MaxValue);
    }
}
