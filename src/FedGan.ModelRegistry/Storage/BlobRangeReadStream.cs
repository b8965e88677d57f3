using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace FedGan.ModelRegistry.Storage;

/// <summary>
/// A seekable, read-only view of a blob that holds no buffer of its own: a read streams from one
/// ranged download starting at the current position, and a seek only drops that download. This
/// lets ASP.NET Core's file results serve ranges (they seek, then read) straight from storage.
/// </summary>
public sealed class BlobRangeReadStream(BlobClient blob, long length, ETag etag) : Stream
{
    private Stream? _download;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            if (value != _position)
            {
                _download?.Dispose();
                _download = null;
                _position = value;
            }
        }
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || _position >= length)
        {
            return 0;
        }

        _download ??= (await blob.DownloadStreamingAsync(Options(), cancellationToken)).Value.Content;
        return Advance(await _download.ReadAsync(buffer, cancellationToken));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || _position >= length)
        {
            return 0;
        }

        _download ??= blob.DownloadStreaming(Options()).Value.Content;
        return Advance(_download.Read(buffer));
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _download?.Dispose();
            _download = null;
        }

        base.Dispose(disposing);
    }

    // If-Match pins every range to the same blob content, should the blob ever be replaced.
    private BlobDownloadOptions Options() => new()
    {
        Range = new HttpRange(_position),
        Conditions = new BlobRequestConditions { IfMatch = etag },
    };

    private int Advance(int read)
    {
        if (read == 0)
        {
            throw new IOException($"Blob '{blob.Name}' ended at byte {_position}, before its length of {length}.");
        }

        _position += read;
        return read;
    }
}
