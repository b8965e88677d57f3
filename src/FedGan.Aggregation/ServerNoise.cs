using System.Security.Cryptography;
using System.Text;
using FedGan.Tensors;

namespace FedGan.Aggregation;

/// <summary>
/// Server-side Gaussian noise on the weighted mean (DP-FedAvg): N(0, (z C max_i w_i)^2) per
/// coordinate, C the round's update clip bound and w_i the sites' weights, i.e. z times the most
/// one site's clipped update can move the mean. Drawn from a seeded generator keyed by a server
/// secret and (study, round), so a re-run of the aggregation adds the same noise and publishes
/// the same bytes, while no one without the secret can predict (and subtract) it.
/// </summary>
public static class ServerNoise
{
    private const int DrawBlock = 8192;

    public static double StandardDeviation(double noiseMultiplier, double clipNorm, double maxWeight) =>
        noiseMultiplier * clipNorm * maxWeight;

    /// <summary>HMAC-SHA256(secret, "fedgan/server-noise/v1/{study}/{round}"), its first 8 bytes as the seed.</summary>
    public static ulong Seed(ReadOnlySpan<byte> secret, string studyId, int round)
    {
        ArgumentNullException.ThrowIfNull(studyId);
        if (secret.Length < 16)
            throw new ArgumentException("The server noise secret must be at least 16 bytes.", nameof(secret));
        var message = Encoding.UTF8.GetBytes($"fedgan/server-noise/v1/{studyId}/{round}");
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(secret, message, mac);
        return BitConverter.ToUInt64(mac[..8]);
    }

    /// <summary>Adds std * N(0, 1) to every value, in flat order.</summary>
    public static void Add(Span<double> values, double std, ulong seed)
    {
        if (!(std >= 0) || !double.IsFinite(std))
            throw new ArgumentOutOfRangeException(nameof(std), std, "The noise standard deviation must be finite and non-negative.");
        if (std == 0)
            return;
        var noise = GaussianNoise.Seeded(seed);
        var draws = new double[DrawBlock];
        for (var done = 0; done < values.Length; done += DrawBlock)
        {
            var count = Math.Min(DrawBlock, values.Length - done);
            noise.NextStandardNormals(draws.AsSpan(0, count));
            var target = values.Slice(done, count);
            for (var i = 0; i < count; i++)
                target[i] += std * draws[i];
        }
    }
}
