using System.Buffers;
using System.Security.Cryptography;
using FedGan.Tensors;

namespace FedGan.Aggregation;

/// <summary>
/// Reads one safetensors file front to back from a forward-only stream (an HTTP body, a blob
/// download, a file) in bounded memory: the header on open, then the data section block by block,
/// handed out as per-tensor <see cref="TensorChunk"/>s in data order. Every byte read is hashed
/// (SHA-256) and may be copied to a sink (staging storage); the next block is read while the
/// caller works on the current one. Never reads more than <c>maxLength + 1</c> bytes.
/// </summary>
public sealed class SafetensorsStreamReader : IAsyncDisposable
{
    public const int DefaultBlockBytes = 1 << 20;

    private readonly Stream _source;
    private readonly long _maxLength;
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask>? _sink;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[][] _buffers;
    private readonly int _blockBytes;
    private Task<DataBlock>? _pending;
    private DataBlock _current;
    private long _cursor;
    private int _tensor;
    private long _nextBlockStart;
    private int _nextBuffer;
    private int _blockEndTensor;
    private bool _completed;
    private float[]? _scratch;

    private readonly record struct DataBlock(byte[] Buffer, long Start, int Length)
    {
        public long End => Start + Length;
    }

    private SafetensorsStreamReader(Stream source, long maxLength, int blockBytes,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask>? sink)
    {
        _source = source;
        _maxLength = maxLength;
        _blockBytes = blockBytes;
        _sink = sink;
        _buffers = [ArrayPool<byte>.Shared.Rent(blockBytes), ArrayPool<byte>.Shared.Rent(blockBytes)];
        Header = null!;
    }

    public SafetensorsHeader Header { get; private set; }

    /// <summary>Bytes taken from the stream so far, header included.</summary>
    public long BytesRead { get; private set; }

    /// <summary>A chunk's values as float32, decoded (F16, BF16) into the reader's scratch; valid until the next call.</summary>
    public ReadOnlySpan<float> Decode(in TensorChunk chunk)
    {
        if (chunk.Tensor.DType != TensorDType.F32 || !BitConverter.IsLittleEndian)
            _scratch ??= ArrayPool<float>.Shared.Rent(_blockBytes / 2);
        return chunk.Decode(_scratch);
    }

    /// <summary>Reads and validates the header.</summary>
    /// <param name="maxHeaderLength">Longest JSON header accepted (a longer one is malformed).</param>
    /// <param name="maxLength">Longest file accepted; a header describing more, or trailing bytes past it, raise <see cref="PayloadTooLargeException"/>.</param>
    /// <param name="sink">Receives every byte of the file that is read, in order (trailing bytes excepted).</param>
    public static async Task<SafetensorsStreamReader> OpenAsync(Stream source, long maxHeaderLength, long maxLength,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask>? sink = null, int blockBytes = DefaultBlockBytes,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockBytes, 64);
        var reader = new SafetensorsStreamReader(source, maxLength, blockBytes & ~7, sink);
        try
        {
            await reader.ReadHeaderAsync(maxHeaderLength, cancellationToken);
            return reader;
        }
        catch
        {
            await reader.DisposeAsync();
            throw;
        }
    }

    /// <summary>The next run of one tensor's values, or null after the last; valid until the next call.</summary>
    public async ValueTask<TensorChunk?> ReadNextAsync(CancellationToken cancellationToken = default)
    {
        var tensors = Header.Tensors;
        while (_tensor < tensors.Count && tensors[_tensor].ByteLength == 0)
            _tensor++;
        if (_tensor == tensors.Count)
            return null;
        if (_cursor == _current.End)
        {
            _current = await _pending!;
            _pending = _nextBlockStart < Header.DataLength ? ReadBlockAsync(cancellationToken) : null;
        }

        var entry = tensors[_tensor];
        var end = Math.Min(entry.End, _current.End);
        var size = entry.DType.ByteSize();
        var chunk = new TensorChunk(entry, (int)((_cursor - entry.Begin) / size), (int)((end - _cursor) / size),
            _current.Buffer.AsMemory((int)(_cursor - _current.Start), (int)(end - _cursor)));
        _cursor = end;
        if (_cursor == entry.End)
            _tensor++;
        return chunk;
    }

    /// <summary>
    /// Checks that the stream ends where the header says (reading trailing bytes only up to the
    /// limit) and returns the SHA-256 of the whole file, lower-case hex. Call after the last chunk.
    /// </summary>
    public async Task<string> CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_tensor < Header.Tensors.Count || _pending is not null)
            throw new InvalidOperationException("Read every chunk before completing.");
        var probe = _buffers[0];
        long trailing = 0;
        while (true)
        {
            var room = (int)Math.Min(probe.Length, _maxLength + 1 - BytesRead - trailing);
            var read = await _source.ReadAsync(probe.AsMemory(0, Math.Max(room, 1)), cancellationToken);
            if (read == 0)
                break;
            trailing += read;
            if (BytesRead + trailing > _maxLength)
                throw new PayloadTooLargeException(_maxLength);
        }
        if (trailing > 0)
            throw new SafetensorsFormatException($"{trailing} bytes follow the end of the data the header describes ({Header.FileLength} bytes).");
        _completed = true;
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public bool IsComplete => _completed;

    public async ValueTask DisposeAsync()
    {
        if (_pending is not null)
        {
            try
            {
                await _pending;
            }
            catch (Exception)
            {
                // The caller has already stopped reading, for this or another reason.
            }
        }
        _hash.Dispose();
        foreach (var buffer in _buffers)
            ArrayPool<byte>.Shared.Return(buffer);
        if (_scratch is not null)
            ArrayPool<float>.Shared.Return(_scratch);
    }

    private async Task ReadHeaderAsync(long maxHeaderLength, CancellationToken cancellationToken)
    {
        var prefix = new byte[SafetensorsHeaderBytes.LengthPrefixSize];
        await FillAsync(prefix, "the 8-byte header length", cancellationToken);
        var headerLength = SafetensorsHeaderBytes.ParseLength(prefix, maxHeaderLength);
        if (SafetensorsHeaderBytes.LengthPrefixSize + headerLength > _maxLength)
            throw new PayloadTooLargeException(_maxLength);
        var json = await ReadHeaderBytesAsync(headerLength, cancellationToken);
        try
        {
            Header = SafetensorsHeaderBytes.Parse(json);
        }
        catch (SafetensorsFormatException) when (UnsupportedDTypeException.Find(json) is { } unsupported)
        {
            throw unsupported;
        }
        if (Header.FileLength > _maxLength)
            throw new PayloadTooLargeException(_maxLength);
        await ConsumeAsync(prefix, cancellationToken);
        await ConsumeAsync(json, cancellationToken);
        _current = new DataBlock(_buffers[1], 0, 0);
        _pending = Header.DataLength > 0 ? ReadBlockAsync(cancellationToken) : null;
    }

    /// <summary>
    /// The JSON header, read into a buffer that grows only as its bytes arrive: the length prefix is
    /// the sender's claim, and a stream cannot say how much follows, so a few bytes claiming a long
    /// header cost about what they hold, not what they claim.
    /// </summary>
    private async Task<byte[]> ReadHeaderBytesAsync(long length, CancellationToken cancellationToken)
    {
        const int firstPiece = 64 * 1024;
        var json = new byte[Math.Min(length, firstPiece)];
        var filled = 0;
        while (true)
        {
            await FillAsync(json.AsMemory(filled), $"the {length}-byte header", cancellationToken);
            if (json.Length == length)
                return json;
            filled = json.Length;
            Array.Resize(ref json, (int)Math.Min(length, 2L * json.Length));
        }
    }

    private async Task<DataBlock> ReadBlockAsync(CancellationToken cancellationToken)
    {
        var start = _nextBlockStart;
        var end = BlockEnd(start);
        var buffer = _buffers[_nextBuffer];
        _nextBuffer ^= 1;
        _nextBlockStart = end;
        var memory = buffer.AsMemory(0, (int)(end - start));
        // Off the caller's thread: reading and hashing overlap the caller's work on the last block.
        await Task.Yield();
        await FillAsync(memory, $"the data at offset {start}", cancellationToken);
        await ConsumeAsync(memory, cancellationToken);
        return new DataBlock(buffer, start, memory.Length);
    }

    /// <summary>Ends a block at most one buffer on, on an element boundary of the tensor it ends in.</summary>
    private long BlockEnd(long start)
    {
        var end = Math.Min(start + _blockBytes, Header.DataLength);
        if (end == Header.DataLength)
            return end;
        // Blocks move forward only, so the tensor a block ends in is found by moving forward too.
        while (Header.Tensors[_blockEndTensor].End < end)
            _blockEndTensor++;
        var entry = Header.Tensors[_blockEndTensor];
        var size = entry.DType.ByteSize();
        return entry.Begin + (end - entry.Begin) / size * size;
    }

    private async Task FillAsync(Memory<byte> destination, string what, CancellationToken cancellationToken)
    {
        var read = await _source.ReadAtLeastAsync(destination, destination.Length, throwOnEndOfStream: false, cancellationToken);
        BytesRead += read;
        if (read < destination.Length)
            throw new SafetensorsFormatException(
                Header is null
                    ? $"The file ends after {BytesRead} bytes, inside {what}."
                    : $"The file ends after {BytesRead} bytes, inside {what}; its header describes {Header.FileLength}.");
    }

    private async ValueTask ConsumeAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        _hash.AppendData(bytes.Span);
        if (_sink is not null)
            await _sink(bytes, cancellationToken);
    }
}
