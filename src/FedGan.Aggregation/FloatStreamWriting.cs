using System.Buffers;
using System.Runtime.InteropServices;

namespace FedGan.Aggregation;

/// <summary>Writes float32 values as little-endian bytes to a stream asynchronously, through one pooled block.</summary>
internal static class FloatStreamWriting
{
    private const int BlockValues = 1 << 18;

    public delegate ReadOnlySpan<float> Slice(int start, int count);

    /// <summary>Writes <paramref name="count"/> values taken through <paramref name="slice"/> (spans cannot cross an await).</summary>
    public static async Task WriteAsync(Stream stream, int count, Slice slice, CancellationToken cancellationToken)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("Tensor bytes are written as little-endian floats.");
        var buffer = ArrayPool<byte>.Shared.Rent(4 * Math.Min(count, BlockValues));
        try
        {
            for (var done = 0; done < count; done += BlockValues)
            {
                var n = Math.Min(BlockValues, count - done);
                MemoryMarshal.AsBytes(slice(done, n)).CopyTo(buffer);
                await stream.WriteAsync(buffer.AsMemory(0, 4 * n), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
