using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using FedGan.Tensors;

namespace FedGan.Aggregation;

/// <summary>
/// The next model version as a safetensors F32 file, held as the float32 values themselves (in the
/// buffer the aggregation accumulated in, so no second copy of the model is made) plus its header.
/// Knows its SHA-256 before it is written, and writes the same bytes every time (an upload retried).
/// </summary>
public sealed class AggregatedWeights
{
    private readonly double[] _buffer;
    private readonly byte[] _header;

    private AggregatedWeights(ModelLayout layout, double[] buffer, byte[] header, long sizeBytes, string sha256)
    {
        Layout = layout;
        _buffer = buffer;
        _header = header;
        SizeBytes = sizeBytes;
        Sha256 = sha256;
    }

    /// <summary>
    /// Makes the file from the double-precision weights in <paramref name="buffer"/>, block by block
    /// in flat order: <paramref name="finish"/> makes a block's values final (in double), which are
    /// then rounded to float32 in place (float i takes bytes [4i, 4i + 4), which belong to double
    /// i / 2, already read) and checked finite, while a second task hashes the blocks already
    /// rounded. SHA-256 runs at about 1.2 GB/s on one core, so hashing beside the arithmetic
    /// instead of after it takes most of this step off the clock.
    /// </summary>
    internal static async Task<AggregatedWeights> SealAsync(ModelLayout layout, double[] buffer, IReadOnlyDictionary<string, string>? metadata,
        BlockAction finish, CancellationToken cancellationToken)
    {
        if (buffer.Length < layout.Parameters)
            throw new ArgumentException($"The buffer holds {buffer.Length} values; the model has {layout.Parameters}.");
        using var headerBytes = new MemoryStream();
        var writer = new SafetensorsWriter(headerBytes, layout.Specs(), metadata);
        var header = headerBytes.ToArray();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(header);

        var sealedUpTo = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var hashing = Task.Run(async () =>
        {
            var hashed = 0;
            await foreach (var end in sealedUpTo.Reader.ReadAllAsync(cancellationToken))
            {
                hash.AppendData(MemoryMarshal.AsBytes(MemoryMarshal.Cast<double, float>(buffer.AsSpan())[hashed..end]));
                hashed = end;
            }
        }, cancellationToken);
        try
        {
            for (var start = 0; start < layout.Parameters; start += SealBlock)
            {
                var count = Math.Min(SealBlock, layout.Parameters - start);
                finish(start, count);
                RoundInPlace(buffer, start, count);
                sealedUpTo.Writer.TryWrite(start + count);
            }
        }
        finally
        {
            sealedUpTo.Writer.Complete();
            await hashing.ContinueWith(_ => { }, TaskScheduler.Default); // Never leave the hashing task reading the buffer.
        }

        await hashing;
        return new AggregatedWeights(layout, buffer, header, writer.FileLength, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    internal delegate void BlockAction(int start, int count);

    private const int SealBlock = 1 << 16;

    /// <summary>Doubles [start, start + count) to floats [start, start + count), front to back; throws on a value float32 cannot hold.</summary>
    // Fully optimised at once (see FlatVector.Scaled).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RoundInPlace(double[] buffer, int start, int count)
    {
        var doubles = buffer.AsSpan();
        var floats = MemoryMarshal.Cast<double, float>(doubles);
        var end = start + count;
        var i = start;
        // Each step reads doubles [i, i + 2n) before it writes floats [i, i + 2n), that is doubles
        // [i / 2, i / 2 + n): all of them already read, in this step or an earlier one.
        var n = Vector<double>.Count;
        for (; i + 2 * n <= end; i += 2 * n)
            Vector.Narrow(new Vector<double>(doubles.Slice(i, n)), new Vector<double>(doubles.Slice(i + n, n))).CopyTo(floats.Slice(i, 2 * n));
        for (; i < end; i++)
            floats[i] = (float)doubles[i];
        var bad = FlatVector.IndexOfNonFinite(floats.Slice(start, count));
        if (bad >= 0)
            throw new InvalidOperationException($"The aggregate overflows float32 at parameter {start + bad}; nothing can be published.");
    }

    public ModelLayout Layout { get; }

    /// <summary>The new weights in the layout's flat order.</summary>
    public ReadOnlySpan<float> Values => MemoryMarshal.Cast<double, float>(_buffer.AsSpan())[..Layout.Parameters];

    public string Sha256 { get; }

    public long SizeBytes { get; }

    public async Task WriteToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        await destination.WriteAsync(_header, cancellationToken);
        // The layout's flat order is the file's data order, so the data section is the values end to end.
        await FloatStreamWriting.WriteAsync(destination, Layout.Parameters,
            (start, count) => MemoryMarshal.Cast<double, float>(_buffer.AsSpan()).Slice(start, count), cancellationToken);
    }
}
