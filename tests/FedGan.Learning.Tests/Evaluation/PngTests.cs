using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using FedGan.Learning.Evaluation;

namespace FedGan.Learning.Tests.Evaluation;

public class PngTests
{
    [Fact]
    public void Crc32_matches_the_published_check_values()
    {
        // CRC-32 check value of "123456789" (ISO-HDLC catalogue) and the CRC every PNG's IEND chunk carries.
        Assert.Equal(0xCBF43926u, Png.Crc32(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0xAE426082u, Png.Crc32(Encoding.ASCII.GetBytes("IEND")));
    }

    [Fact]
    public void Encoded_image_has_valid_chunks_and_decodes_to_the_same_pixels()
    {
        var pixels = Enumerable.Range(0, 5 * 3).Select(i => (byte)(i * 17)).ToArray();
        var png = Png.EncodeGrayscale(pixels, width: 5, height: 3);

        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var chunks = ReadChunks(png);
        Assert.Equal(new[] { "IHDR", "IDAT", "IEND" }, chunks.Select(c => c.Type));
        var header = chunks[0].Data;
        Assert.Equal(5u, BinaryPrimitives.ReadUInt32BigEndian(header));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4)));
        Assert.Equal(new byte[] { 8, 0, 0, 0, 0 }, header[8..]);

        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress))
            zlib.CopyTo(inflated);
        var raw = inflated.ToArray();
        Assert.Equal(3 * (1 + 5), raw.Length);
        for (var row = 0; row < 3; row++)
        {
            Assert.Equal(0, raw[row * 6]); // filter: none
            Assert.Equal(pixels[(row * 5)..(row * 5 + 5)], raw[(row * 6 + 1)..(row * 6 + 6)]);
        }
    }

    [Fact]
    public void Grid_places_each_class_on_its_own_row()
    {
        // 2 rows x 3 columns of 2x2 images with a 2-pixel gap: (3 x 4 + 2) x (2 x 4 + 2) = 14 x 10.
        var values = new float[2 * 3 * 4];
        Array.Fill(values, 1f, 12, 12); // second row white
        var chunks = ReadChunks(SampleGrid.FromPixels(values, rows: 2, columns: 3, size: 2));
        Assert.Equal(14u, BinaryPrimitives.ReadUInt32BigEndian(chunks[0].Data));
        Assert.Equal(10u, BinaryPrimitives.ReadUInt32BigEndian(chunks[0].Data.AsSpan(4)));
    }

    /// <summary>Splits a PNG into chunks, checking each CRC with a bitwise CRC-32 written here.</summary>
    private static List<(string Type, byte[] Data)> ReadChunks(byte[] png)
    {
        var chunks = new List<(string, byte[])>();
        for (var offset = 8; offset < png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset));
            var typeAndData = png.AsSpan(offset + 4, 4 + length).ToArray();
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            Assert.Equal(BitwiseCrc32(typeAndData), crc);
            chunks.Add((Encoding.ASCII.GetString(typeAndData, 0, 4), typeAndData[4..]));
            offset += 12 + length;
        }

        return chunks;
    }

    private static uint BitwiseCrc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }

        return ~crc;
    }
}
