using System.Buffers.Binary;
using System.IO.Compression;

namespace FedGan.Learning.Data;

/// <summary>Element types of the IDX format (LeCun's MNIST files), by their type code.</summary>
public enum IdxElementType : byte
{
    UInt8 = 0x08,
    Int8 = 0x09,
    Int16 = 0x0B,
    Int32 = 0x0C,
    Float32 = 0x0D,
    Float64 = 0x0E,
}

/// <summary>One IDX array: its element type, its dimensions and its values in row-major order.</summary>
public sealed record IdxArray(IdxElementType ElementType, int[] Dimensions, float[] Values);

/// <summary>
/// Reads IDX files, raw or gzip-compressed (detected from the gzip magic, not the name).
/// Every header field is checked and the data must fill the file exactly.
/// </summary>
public static class IdxReader
{
    private const int MaxDimensions = 8;

    public static IdxArray Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            using var file = File.OpenRead(path);
            var isGzip = file.ReadByte() == 0x1F && file.ReadByte() == 0x8B;
            file.Position = 0;
            using Stream content = isGzip ? new GZipStream(file, CompressionMode.Decompress) : file;
            return Read(content, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageLoadException(path, e.Message, e);
        }
    }

    /// <summary>Reads an uncompressed IDX stream; <paramref name="sourceName"/> names it in errors.</summary>
    public static IdxArray Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> magic = stackalloc byte[4];
        if (!TryFill(stream, magic))
            throw new ImageLoadException(sourceName, "the file is shorter than the 4-byte IDX magic number.");
        if (magic[0] != 0 || magic[1] != 0)
            throw new ImageLoadException(sourceName, $"not an IDX file: the magic number starts with 0x{magic[0]:X2}{magic[1]:X2}, not 0x0000.");
        var type = (IdxElementType)magic[2];
        if (!Enum.IsDefined(type))
            throw new ImageLoadException(sourceName, $"unknown IDX element type 0x{magic[2]:X2}.");
        int rank = magic[3];
        if (rank is 0 or > MaxDimensions)
            throw new ImageLoadException(sourceName, $"an IDX array of {rank} dimensions is not supported (1 to {MaxDimensions}).");

        var dimensionBytes = new byte[4 * rank];
        if (!TryFill(stream, dimensionBytes))
            throw new ImageLoadException(sourceName, "the file ends inside the dimension list.");
        var dimensions = new int[rank];
        long count = 1;
        for (var d = 0; d < rank; d++)
        {
            dimensions[d] = BinaryPrimitives.ReadInt32BigEndian(dimensionBytes.AsSpan(4 * d));
            if (dimensions[d] < 0)
                throw new ImageLoadException(sourceName, $"dimension {d} is negative ({dimensions[d]}).");
            count *= dimensions[d];
            if (count > Array.MaxLength)
                throw new ImageLoadException(sourceName, $"the dimensions [{string.Join(", ", dimensions[..(d + 1)])}] hold more values than an array can.");
        }

        var size = ElementSize(type);
        if (count * size > Array.MaxLength)
            throw new ImageLoadException(sourceName, $"{count} values of {size} bytes do not fit in memory.");
        var data = new byte[count * size];
        if (!TryFill(stream, data))
            throw new ImageLoadException(sourceName, $"the file is truncated: dimensions [{string.Join(", ", dimensions)}] need {data.Length} data bytes.");
        if (stream.ReadByte() != -1)
            throw new ImageLoadException(sourceName, $"the file has bytes after the {data.Length} data bytes its dimensions [{string.Join(", ", dimensions)}] describe.");

        return new IdxArray(type, dimensions, Decode(type, data, (int)count));
    }

    private static float[] Decode(IdxElementType type, byte[] data, int count)
    {
        var values = new float[count];
        switch (type)
        {
            case IdxElementType.UInt8:
                for (var i = 0; i < count; i++) values[i] = data[i];
                break;
            case IdxElementType.Int8:
                for (var i = 0; i < count; i++) values[i] = (sbyte)data[i];
                break;
            case IdxElementType.Int16:
                for (var i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadInt16BigEndian(data.AsSpan(2 * i));
                break;
            case IdxElementType.Int32:
                for (var i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4 * i));
                break;
            case IdxElementType.Float32:
                for (var i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleBigEndian(data.AsSpan(4 * i));
                break;
            case IdxElementType.Float64:
                for (var i = 0; i < count; i++) values[i] = (float)BinaryPrimitives.ReadDoubleBigEndian(data.AsSpan(8 * i));
                break;
        }
        return values;
    }

    private static int ElementSize(IdxElementType type) => type switch
    {
        IdxElementType.UInt8 or IdxElementType.Int8 => 1,
        IdxElementType.Int16 => 2,
        IdxElementType.Int32 or IdxElementType.Float32 => 4,
        _ => 8,
    };

    private static bool TryFill(Stream stream, Span<byte> buffer) =>
        stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length;
}
