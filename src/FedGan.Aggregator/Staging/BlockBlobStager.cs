using System.Buffers;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace FedGan.Aggregator.Staging;

/// <summary>
/// Streams bytes into a block blob as uncommitted blocks of a fixed size, and makes them the blob
/// only on <see cref="CommitAsync"/>: an upload refused half-way leaves no blob behind (storage
/// discards uncommitted blocks by itself), and memory stays at one block.
/// </summary>
public sealed class BlockBlobStager(BlockBlobClient blob, int blockBytes = BlockBlobStager.DefaultBlockBytes) : IAsyncDisposable
{
    public const int DefaultBlockBytes = 4 << 20;

    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(blockBytes);
    private readonly List<string> _blockIds = [];
    private int _filled;

    public string BlobName => blob.Name;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            var take = Math.Min(bytes.Length, blockBytes - _filled);
            bytes[..take].CopyTo(_buffer.AsMemory(_filled));
            _filled += take;
            bytes = bytes[take..];
            if (_filled == blockBytes)
                await StageAsync(cancellationToken);
        }
    }

    /// <summary>Makes everything written the blob's content, with <paramref name="metadata"/>.</summary>
    public async Task CommitAsync(IDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        if (_filled > 0)
            await StageAsync(cancellationToken);
        await blob.CommitBlockListAsync(_blockIds, new CommitBlockListOptions
        {
            Metadata = metadata,
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" },
        }, cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        return ValueTask.CompletedTask;
    }

    private async Task StageAsync(CancellationToken cancellationToken)
    {
        // Fixed-length ids: a blob's block ids must all have the same length.
        var id = Convert.ToBase64String(BitConverter.GetBytes((long)_blockIds.Count));
        using var content = new MemoryStream(_buffer, 0, _filled, writable: false);
        await blob.StageBlockAsync(id, content, cancellationToken: cancellationToken);
        _blockIds.Add(id);
        _filled = 0;
    }
}
