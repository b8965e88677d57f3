using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using FedGan.Aggregation;
using FedGan.Contracts.Updates;
using FedGan.Tensors;

namespace FedGan.Cli.Commands.Bench;

/// <summary>
/// Model-shaped safetensors files of random values for the aggregation benchmark: a layout of
/// four tensors (a large matrix, two vectors, a small bias) totalling any parameter count, and
/// files written block by block so a 10M-parameter update never sits in memory whole.
/// </summary>
internal static class SyntheticModelFiles
{
    private const int BlockValues = 1 << 18;

    public static ModelLayout Layout(int parameters)
    {
        if (parameters < 4096)
            throw new CliUsageException("Benchmark models need at least 4096 parameters.");
        var rows = parameters / 2 / 1000;
        var rest = parameters - rows * 1000 - 1000 - 24;
        return ModelLayout.From([
            new TensorSpec("encoder.weight", [rows, 1000]),
            new TensorSpec("encoder.bias", [1000]),
            new TensorSpec("decoder.weight", [rest]),
            new TensorSpec("decoder.bias", [24]),
        ]);
    }

    /// <summary>Writes values uniform in [-scale, scale] (never subnormal, never zero-heavy) and returns the file's SHA-256.</summary>
    public static string Write(string path, ModelLayout layout, int seed, float scale, IReadOnlyDictionary<string, string>? metadata)
    {
        var random = new Random(seed);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        using (var header = new MemoryStream())
        {
            _ = new SafetensorsWriter(header, layout.Specs(), metadata);
            hash.AppendData(header.GetBuffer(), 0, (int)header.Length);
            file.Write(header.GetBuffer(), 0, (int)header.Length);
        }
        var values = ArrayPool<float>.Shared.Rent(BlockValues);
        try
        {
            for (var done = 0; done < layout.Parameters; done += BlockValues)
            {
                var block = values.AsSpan(0, Math.Min(BlockValues, layout.Parameters - done));
                for (var i = 0; i < block.Length; i++)
                    block[i] = (2 * random.NextSingle() - 1) * scale;
                var bytes = MemoryMarshal.AsBytes(block);
                hash.AppendData(bytes);
                file.Write(bytes);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(values);
        }
        // On disk before any timing starts: reads must not compete with the write-back of the files.
        file.Flush(flushToDisk: true);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static WeightedUpdate WriteUpdate(string directory, ModelLayout layout, int site)
    {
        var siteId = $"site-{site:D3}";
        var numSamples = 100 + 37L * site;
        var path = Path.Combine(directory, $"{siteId}.safetensors");
        var sha = Write(path, layout, seed: 1000 + site, scale: 1e-3f,
            new Dictionary<string, string> { [UpdateMetadata.NumSamples] = numSamples.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return new WeightedUpdate(siteId, numSamples, sha, new LocalTensorFile(path, $"update of {siteId}"));
    }
}
