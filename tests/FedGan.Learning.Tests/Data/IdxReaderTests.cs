using System.IO.Compression;
using FedGan.Learning.Data;

namespace FedGan.Learning.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fedgan-idx-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Reads_a_hand_made_raw_file_of_big_endian_shorts()
    {
        // Type 0x0B (int16), 2 dimensions [2, 2], values 1, -2, 258, 0 in big-endian.
        var path = Write("shorts.idx", [0, 0, 0x0B, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 1, 0xFF, 0xFE, 1, 2, 0, 0]);

        var array = IdxReader.Read(path);

        Assert.Equal(IdxElementType.Int16, array.ElementType);
        Assert.Equal([2, 2], array.Dimensions);
        Assert.Equal([1f, -2f, 258f, 0f], array.Values);
    }

    [Fact]
    public void Reads_the_same_file_gzip_compressed()
    {
        byte[] raw = [0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 255];
        var path = Path.Combine(_folder, "labels.gz");
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Optimal))
            gzip.Write(raw);

        Assert.Equal([7f, 8f, 255f], IdxReader.Read(path).Values);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 8 }, "shorter than the 4-byte")]
    [InlineData(new byte[] { 1, 0, 8, 1, 0, 0, 0, 1, 5 }, "magic number")]
    [InlineData(new byte[] { 0, 0, 7, 1, 0, 0, 0, 1, 5 }, "unknown IDX element type 0x07")]
    [InlineData(new byte[] { 0, 0, 8, 0 }, "0 dimensions")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0 }, "inside the dimension list")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0xFF, 0xFF, 0xFF, 0xFF }, "negative")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 3, 1, 2 }, "truncated")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 1, 1, 2 }, "bytes after")]
    public void Rejects_a_malformed_file_naming_it_and_the_problem(byte[] content, string reason)
    {
        var path = Write("bad.idx", content);

        var error = Assert.Throws<ImageLoadException>(() => IdxReader.Read(path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains(reason, error.Message);
    }

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }
}
