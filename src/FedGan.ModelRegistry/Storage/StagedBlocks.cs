using System.Buffers;
using System.Globalization;
using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace FedGan.ModelRegistry.Storage;

/// <summary>
/// Assembles a block blob from bytes written in order, holding one block in memory at a time.
/// Nothing is visible until <see cref="CommitAsync"/>: an abandoned upload leaves only uncommitted
/// blocks, which the storage service discards on its own (after a week, on Azure).
/// </summary>
public sealed class StagedBlocks : IDisposable
{
    private readonly byte[] _buffer;
    private readonly int _blockBytes;
    private readonly List<string> _blockIds = [];
    private int _filled;

    public StagedBlocks(BlockBlobClient blob, int blockBytes)
    {
        Blob = blob;
        _blockBytes = blockBytes;
        _buffer = ArrayPool<byte>.Shared.Rent(blockBytes);
    }

    public BlockBlobClient Blob { get; }

    /// <summary>The unfilled part of the current block: read into it, then call <see cref="AdvanceAsync"/>. Never empty.</summary>
    public Memory<byte> Free => _buffer.AsMemory(_filled, _blockBytes - _filled);

    /// <summary>Marks <paramref name="count"/> bytes of <see cref="Free"/> as written; stages the block once it is full.</summary>
    public async ValueTask AdvanceAsync(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _blockBytes - _filled);
        _filled += count;
        if (_filled == _blockBytes)
        {
            await StageAsync(cancellationToken);
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            var free = Free;
            var count = Math.Min(free.Length, bytes.Length);
            bytes[..count].CopyTo(free);
            bytes = bytes[count..];
            await AdvanceAsync(count, cancellationToken);
        }
    }

    /// <summary>Stages what is left and makes the blob, as written, visible.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await StageAsync(cancellationToken);
        await Blob.CommitBlockListAsync(_blockIds, new CommitBlockListOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" },
        }, cancellationToken);
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

    private async Task StageAsync(CancellationToken cancellationToken)
    {
        if (_filled == 0)
        {
            return;
        }

        // Block ids must all have the same length within a blob.
        var id = Convert.ToBase64String(Encoding.ASCII.GetBytes(_blockIds.Count.ToString("D8", CultureInfo.InvariantCulture)));
        using (var content = new MemoryStream(_buffer, 0, _filled, writable: false))
        {
            await Blob.StageBlockAsync(id, content, cancellationToken: cancellationToken);
        }

        _blockIds.Add(id);
        _filled = 0;
    }
}
