using System.IO.Compression;

namespace FedGan.Learning.Data.Dicom;

/// <summary>
/// A deflated data set (PS3.5 A.5) inflated only as far as it is read, under a limit the reader
/// sets: the parser reads the elements before Pixel Data (at most <see cref="MaxElementBytes"/>),
/// the pixel decoder only the frame it decodes. A small file that would inflate to gigabytes (a
/// deflate bomb) so costs at most that much memory, and fails with the file's own error.
/// </summary>
internal sealed class LazyInflater(byte[] file, int offset, string path) : IDisposable
{
    /// <summary>The most the elements before Pixel Data may inflate to (real headers, even enhanced multi-frame ones, are far smaller).</summary>
    public const int MaxElementBytes = 32 << 20;

    private readonly DeflateStream _deflate = new(new MemoryStream(file, offset, file.Length - offset, writable: false), CompressionMode.Decompress);
    private byte[] _buffer = new byte[64 * 1024];
    private bool _ended;

    /// <summary>The bytes inflated so far: the first <see cref="Length"/> of this buffer (it is replaced as it grows).</summary>
    public byte[] Buffer => _buffer;

    public int Length { get; private set; }

    /// <summary>How far reading may go; asking past it is an error, not an allocation.</summary>
    public long Limit { get; set; } = MaxElementBytes;

    /// <summary>Inflates until <paramref name="end"/> bytes are held or the data set ends (then fewer are).</summary>
    public void Fill(long end)
    {
        if (end > Limit)
            throw new ImageLoadException(path, Limit == MaxElementBytes
                ? $"the deflated data set inflates to more than {MaxElementBytes:N0} bytes before its Pixel Data (a deflate bomb?)."
                : $"reading byte {end:N0} of the deflated data set goes past the {Limit:N0} bytes its image needs.");
        try
        {
            while (Length < end && !_ended)
            {
                if (Length == _buffer.Length)
                    Array.Resize(ref _buffer, (int)Math.Min(Math.Max(end, 2L * _buffer.Length), Limit));
                var read = _deflate.Read(_buffer, Length, _buffer.Length - Length);
                if (read == 0)
                    _ended = true;
                Length += read;
            }
        }
        catch (InvalidDataException e)
        {
            throw new ImageLoadException(path, $"the deflated data set is corrupt: {e.Message}", e);
        }
    }

    public void Dispose() => _deflate.Dispose();
}
