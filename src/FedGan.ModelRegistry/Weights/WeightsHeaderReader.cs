using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using FedGan.Tensors;

namespace FedGan.ModelRegistry.Weights;

/// <summary>The first bytes of a safetensors file: the 8-byte length, the JSON header, and what it parses to.</summary>
public sealed record WeightsHead(SafetensorsHeader Header, byte[] Bytes);

/// <summary>
/// Reads a safetensors header asynchronously (request bodies and blobs must not be read
/// synchronously) and validates it with FedGan.Tensors' parser.
/// </summary>
public static class WeightsHeaderReader
{
    public const int PrefixBytes = 8;

    /// <summary>Reads exactly the length prefix and the header from <paramref name="stream"/>, nothing more.</summary>
    public static async Task<WeightsHead> ReadAsync(Stream stream, int maxHeaderBytes, CancellationToken cancellationToken)
    {
        var prefix = new byte[PrefixBytes];
        if (await stream.ReadAtLeastAsync(prefix, PrefixBytes, throwOnEndOfStream: false, cancellationToken) < PrefixBytes)
        {
            throw new SafetensorsFormatException($"The file is shorter than the {PrefixBytes}-byte header length.");
        }

        var length = HeaderLength(prefix, maxHeaderBytes);
        var bytes = new byte[PrefixBytes + length];
        prefix.CopyTo(bytes, 0);
        if (await stream.ReadAtLeastAsync(bytes.AsMemory(PrefixBytes), length, throwOnEndOfStream: false, cancellationToken) < length)
        {
            throw new SafetensorsFormatException($"The file ends inside its {length}-byte header.");
        }

        return new WeightsHead(Parse(bytes), bytes);
    }

    /// <summary>The header length the prefix declares, refused past <paramref name="maxHeaderBytes"/>.</summary>
    public static int HeaderLength(ReadOnlySpan<byte> prefix, int maxHeaderBytes)
    {
        var length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        return length <= (ulong)maxHeaderBytes
            ? (int)length
            : throw new SafetensorsFormatException($"The header claims {length} bytes; at most {maxHeaderBytes} are accepted.");
    }

    /// <summary>Parses the length prefix and header (and nothing after them) of a file.</summary>
    public static SafetensorsHeader Parse(byte[] fileStart)
    {
        // Shown to the reader as a forward-only stream: on a seekable one it would also demand
        // that the stream be the whole file, and only the file's start is here.
        var forwardOnly = PipeReader.Create(new ReadOnlySequence<byte>(fileStart)).AsStream();
        using var reader = SafetensorsReader.Open(forwardOnly, Math.Max(2, fileStart.Length - PrefixBytes));
        return reader.Header;
    }
}
