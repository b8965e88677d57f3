using System.Runtime.InteropServices;
using System.Security.Cryptography;
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

    /// <summary>Rounds the double-precision weights in <paramref name="buffer"/> to float32, in place.</summary>
    internal AggregatedWeights(ModelLayout layout, double[] buffer, IReadOnlyDictionary<string, string>? metadata)
    {
        Layout = layout;
        _buffer = buffer;
        // Float i takes bytes [4i, 4i + 4), which belong to double i / 2, already read: front to back is safe.
        var doubles = buffer.AsSpan(0, layout.Parameters);
        var floats = MemoryMarshal.Cast<double, float>(buffer.AsSpan());
        for (var i = 0; i < doubles.Length; i++)
            floats[i] = (float)doubles[i];
        var bad = FlatVector.IndexOfNonFinite(Values);
        if (bad >= 0)
            throw new InvalidOperationException($"The aggregate overflows float32 at parameter {bad}; nothing can be published.");

        using var header = new MemoryStream();
        var writer = new SafetensorsWriter(header, layout.Specs(), metadata);
        _header = header.ToArray();
        SizeBytes = writer.FileLength;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(_header);
        hash.AppendData(MemoryMarshal.AsBytes(Values));
        Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
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
