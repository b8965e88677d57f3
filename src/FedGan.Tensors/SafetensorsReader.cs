using System.Buffers;
using System.Runtime.InteropServices;

namespace FedGan.Tensors;

/// <summary>
/// Reads a safetensors stream tensor by tensor without holding the file in memory: the header is
/// read and validated on <see cref="Open"/>, then each tensor's bytes are decoded straight into a
/// caller's span. A seekable stream may be read in any order; a forward-only one (an HTTP upload)
/// in data order, i.e. the order of <see cref="SafetensorsHeader.Tensors"/>, skipping any.
/// </summary>
public sealed class SafetensorsReader : IDisposable
{
    private const int ChunkBytes = 1 << 16;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly long _dataStartPosition;
    private long _dataPosition;

    private SafetensorsReader(Stream stream, bool leaveOpen, SafetensorsHeader header, long dataStartPosition)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        Header = header;
        _dataStartPosition = dataStartPosition;
    }

    public SafetensorsHeader Header { get; }

    /// <summary>
    /// Reads and validates the header. On a seekable stream the length must also match the header
    /// exactly; on a forward-only one a short stream is reported when a tensor runs past its end.
    /// </summary>
    public static SafetensorsReader Open(Stream stream, long maxHeaderLength = SafetensorsHeaderParser.ReferenceMaxHeaderLength, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
            throw new ArgumentException("The stream cannot be read.", nameof(stream));
        var start = stream.CanSeek ? stream.Position : 0;
        Span<byte> prefix = stackalloc byte[8];
        if (stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
            throw new SafetensorsFormatException("The file is shorter than the 8-byte header length.");
        var headerLength = SafetensorsHeaderParser.ParseLengthPrefix(prefix, maxHeaderLength);
        if (stream.CanSeek && stream.Length - start - 8 < headerLength)
            throw new SafetensorsFormatException($"The header claims {headerLength} bytes but only {stream.Length - start - 8} follow the length.");

        var header = SafetensorsHeaderParser.Parse(ReadHeaderBytes(stream, headerLength));
        if (stream.CanSeek && stream.Length - start != header.FileLength)
            throw new SafetensorsFormatException(
                $"The file is {stream.Length - start} bytes long but its header describes {header.FileLength} (8 + {headerLength} header + {header.DataLength} data).");
        return new SafetensorsReader(stream, leaveOpen, header, start + header.DataStart);
    }

    /// <summary>
    /// The JSON header, in a buffer that grows only as its bytes arrive: a forward-only stream cannot
    /// say how much follows the length prefix, so a short stream claiming a long header costs what it holds.
    /// </summary>
    private static byte[] ReadHeaderBytes(Stream stream, long length)
    {
        var json = new byte[Math.Min(length, ChunkBytes)];
        var filled = 0;
        while (true)
        {
            if (stream.ReadAtLeast(json.AsSpan(filled), json.Length - filled, throwOnEndOfStream: false) < json.Length - filled)
                throw new SafetensorsFormatException($"The file ends inside the {length}-byte header.");
            if (json.Length == length)
                return json;
            filled = json.Length;
            Array.Resize(ref json, (int)Math.Min(length, 2L * json.Length));
        }
    }

    public float[] ReadTensor(string name)
    {
        var values = new float[Header[name].ElementCount];
        ReadTensor(name, values);
        return values;
    }

    public void ReadTensor(string name, Span<float> destination)
    {
        var entry = Header[name];
        if (destination.Length != entry.ElementCount)
            throw new ArgumentException($"Tensor '{name}' holds {entry.ElementCount} values; the destination has room for {destination.Length}.");
        MoveTo(entry);

        if (entry.DType == TensorDType.F32 && BitConverter.IsLittleEndian)
        {
            Fill(MemoryMarshal.AsBytes(destination), entry);
            return;
        }
        var size = entry.DType.ByteSize();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            var perChunk = ChunkBytes / size;
            for (var done = 0; done < destination.Length; done += perChunk)
            {
                var count = Math.Min(perChunk, destination.Length - done);
                var bytes = buffer.AsSpan(0, count * size);
                Fill(bytes, entry);
                WireFloat.Decode(bytes, entry.DType, destination.Slice(done, count));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads the named tensors one after another into consecutive slices of one flat vector, the
    /// form update arithmetic works on. On a forward-only stream the names must be in data order.
    /// </summary>
    public void ReadFlat(IReadOnlyList<string> names, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(names);
        var total = names.Sum(n => (long)Header[n].ElementCount);
        if (total != destination.Length)
            throw new ArgumentException($"The tensors hold {total} values; the destination has room for {destination.Length}.");
        var offset = 0;
        foreach (var name in names)
        {
            var count = Header[name].ElementCount;
            ReadTensor(name, destination.Slice(offset, count));
            offset += count;
        }
    }

    public void Dispose()
    {
        if (!_leaveOpen)
            _stream.Dispose();
    }

    private void MoveTo(TensorEntry entry)
    {
        if (_stream.CanSeek)
        {
            _stream.Position = _dataStartPosition + entry.Begin;
            _dataPosition = entry.Begin;
            return;
        }
        if (entry.Begin < _dataPosition)
            throw new InvalidOperationException(
                $"Tensor '{entry.Name}' lies before the current position of a forward-only stream; read tensors in the order of Header.Tensors.");
        var skip = entry.Begin - _dataPosition;
        var discard = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            while (skip > 0)
            {
                var chunk = discard.AsSpan(0, (int)Math.Min(skip, ChunkBytes));
                Fill(chunk, entry);
                skip -= chunk.Length;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(discard);
        }
    }

    private void Fill(Span<byte> buffer, TensorEntry entry)
    {
        if (_stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) < buffer.Length)
            throw new SafetensorsFormatException($"The file ends before the bytes of tensor '{entry.Name}' [{entry.Begin}, {entry.End}) do.");
        _dataPosition += buffer.Length;
    }
}
