using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using FedGan.Tensors;

namespace FedGan.ModelRegistry.Tests;

/// <summary>
/// A one-tensor F32 weights file produced while it is sent, from one reused 64 KiB buffer, so a
/// file of any size never sits in the test's memory. It hashes what it sends.
/// </summary>
public sealed class GeneratedWeightsContent : HttpContent
{
    private const int ValuesPerChunk = 16 * 1024;
    private readonly byte[] _header;
    private readonly int _values;

    public GeneratedWeightsContent(string tensorName, int values)
    {
        _values = values;
        using var header = new MemoryStream();
        // The writer puts out the length prefix and the header on construction; the data follows here.
        _ = new SafetensorsWriter(header, [new TensorSpec(tensorName, [values])]);
        _header = header.ToArray();
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
    }

    public long FileLength => _header.Length + 4L * _values;

    /// <summary>The SHA-256 of the bytes sent, once they have been.</summary>
    public string? Sha256 { get; private set; }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(_header);
        await stream.WriteAsync(_header);
        var buffer = new byte[ValuesPerChunk * sizeof(float)];
        for (var done = 0; done < _values; done += ValuesPerChunk)
        {
            var length = Fill(buffer, done, Math.Min(ValuesPerChunk, _values - done));
            hash.AppendData(buffer, 0, length);
            await stream.WriteAsync(buffer.AsMemory(0, length));
        }

        Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Finite values that differ along the tensor, written little-endian (as F32 is on the wire) into the buffer.</summary>
    private static int Fill(byte[] buffer, int first, int count)
    {
        var values = MemoryMarshal.Cast<byte, float>(buffer.AsSpan(0, count * sizeof(float)));
        for (var i = 0; i < count; i++)
        {
            values[i] = ((first + i) % 1999) * 0.001f - 1f;
        }

        return count * sizeof(float);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = FileLength;
        return true;
    }
}
