using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using FedGan.Learning.Data.Dicom;

namespace FedGan.Learning.Tests.Data;

/// <summary>
/// DICOM files built byte by byte as PS3.5 lays them out, for files no real device writes: a
/// 128-byte preamble, "DICM", the file meta group (7.1) in Explicit VR Little Endian, then the data
/// set; encapsulated Pixel Data as an empty Basic Offset Table and one item per fragment (A.4);
/// deflated data sets as raw deflate (A.5). Codec streams follow ITU-T T.81 and PS3.5 annex G.
/// </summary>
internal static class CraftedDicom
{
    public const string ExplicitLittle = "1.2.840.10008.1.2.1";
    public const string Deflated = "1.2.840.10008.1.2.1.99";
    public const string Rle = "1.2.840.10008.1.2.5";
    public const string JpegBaseline = "1.2.840.10008.1.2.4.50";
    public const string JpegLossless = "1.2.840.10008.1.2.4.70";

    /// <summary>The image pixel module of a grey image (PS3.3 C.7.6.3), in ascending tag order.</summary>
    public static byte[] ImageModule(int rows, int columns, int bitsAllocated = 8, int? frames = null)
    {
        using var buffer = new MemoryStream();
        var writer = new DicomElementWriter(buffer);
        writer.UShort(0x0028_0002, 1);
        writer.Text(0x0028_0004, "CS", "MONOCHROME2");
        if (frames is { } count)
            writer.Text(0x0028_0008, "IS", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        writer.UShort(0x0028_0010, (ushort)rows);
        writer.UShort(0x0028_0011, (ushort)columns);
        writer.UShort(0x0028_0100, (ushort)bitsAllocated);
        writer.UShort(0x0028_0101, (ushort)bitsAllocated);
        writer.UShort(0x0028_0102, (ushort)(bitsAllocated - 1));
        writer.UShort(0x0028_0103, 0);
        return buffer.ToArray();
    }

    /// <summary>A whole file: preamble, meta group naming <paramref name="transferSyntax"/>, then the data set bytes as given.</summary>
    public static byte[] File(string transferSyntax, params byte[][] dataSet)
    {
        using var meta = new MemoryStream();
        var writer = new DicomElementWriter(meta);
        writer.Bytes(0x0002_0001, "OB", [0, 1], 0);
        writer.Text(0x0002_0002, "UI", "1.2.840.10008.5.1.4.1.1.7");
        writer.Text(0x0002_0003, "UI", "2.25.1");
        writer.Text(0x0002_0010, "UI", transferSyntax);

        using var file = new MemoryStream();
        file.Write(new byte[128]);
        file.Write("DICM"u8);
        new DicomElementWriter(file).UInt(0x0002_0000, (uint)meta.Length); // File Meta Information Group Length
        meta.Position = 0;
        meta.CopyTo(file);
        foreach (var part in dataSet)
            file.Write(part);
        return file.ToArray();
    }

    /// <summary>Native Pixel Data (OB) holding <paramref name="value"/>.</summary>
    public static byte[] NativePixels(byte[] value)
    {
        using var buffer = new MemoryStream();
        new DicomElementWriter(buffer).Bytes(DicomTag.PixelData, "OB", value, 0);
        return buffer.ToArray();
    }

    /// <summary>An element header alone (explicit VR, long form): for values whose bytes follow elsewhere (a deflate bomb's).</summary>
    public static byte[] LongHeader(uint tag, string vr, uint length)
    {
        var header = new byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(tag >> 16));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), (ushort)tag);
        Encoding.ASCII.GetBytes(vr, header.AsSpan(4));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), length);
        return header;
    }

    /// <summary>Encapsulated Pixel Data: an empty Basic Offset Table, one item per fragment, a sequence delimiter.</summary>
    public static byte[] EncapsulatedPixels(params byte[][] fragments)
    {
        using var buffer = new MemoryStream();
        buffer.Write(LongHeader(DicomTag.PixelData, "OB", uint.MaxValue));
        WriteItem(buffer, DicomTag.Item, []);
        foreach (var fragment in fragments)
            WriteItem(buffer, DicomTag.Item, fragment.Length % 2 == 0 ? fragment : [.. fragment, 0]);
        WriteItem(buffer, DicomTag.SequenceDelimitation, []);
        return buffer.ToArray();
    }

    /// <summary>
    /// Raw deflate of <paramref name="prefix"/> followed by <paramref name="zeroMegabytes"/> MB of
    /// zeros, without compressing them: a sync-flushed deflate of 1 MB of zeros (about 1 KB) is
    /// repeated, and an empty final block ends the stream (RFC 1951 3.2.3 and 3.2.6: BFINAL=1,
    /// fixed Huffman, end-of-block = bytes 03 00).
    /// </summary>
    public static byte[] DeflateBomb(byte[] prefix, int zeroMegabytes)
    {
        var head = SyncFlushed(prefix);
        var megabyte = SyncFlushed(new byte[1 << 20]);
        using var bomb = new MemoryStream();
        bomb.Write(head);
        for (var i = 0; i < zeroMegabytes; i++)
            bomb.Write(megabyte);
        bomb.Write([0x03, 0x00]);
        return bomb.ToArray();
    }

    /// <summary>
    /// Raw deflate of <paramref name="elements"/> private OB elements of 1 MB of zeros each, with
    /// their creators (0009,0010..) first: no single length looks large, the total does.
    /// </summary>
    public static byte[] DeflateBombOfElements(int elements)
    {
        using var creators = new MemoryStream();
        var writer = new DicomElementWriter(creators);
        for (var block = 0; block < (elements + 255) / 256; block++)
            writer.Text(0x0009_0010 + (uint)block, "LO", $"FEDGAN TEST {block}");
        var megabyte = SyncFlushed(new byte[1 << 20]);
        using var bomb = new MemoryStream();
        bomb.Write(SyncFlushed(creators.ToArray()));
        for (var i = 0; i < elements; i++)
        {
            bomb.Write(SyncFlushed(LongHeader(0x0009_1000 + (uint)i, "OB", 1 << 20)));
            bomb.Write(megabyte);
        }
        bomb.Write([0x03, 0x00]);
        return bomb.ToArray();
    }

    /// <summary>Deflated bytes of <paramref name="data"/> up to and including a sync flush (not final, byte-aligned).</summary>
    private static byte[] SyncFlushed(byte[] data)
    {
        using var output = new MemoryStream();
        var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true);
        deflate.Write(data);
        deflate.Flush();
        // Taken before disposing, which would add a final block.
        var flushed = output.ToArray();
        deflate.Dispose();
        return flushed;
    }

    /// <summary>
    /// A lossless JPEG (T.81 process 14, SOF3) of one 8-bit component whose frame header says
    /// <paramref name="height"/> x <paramref name="width"/>; one Huffman code ('0' = difference 0),
    /// predictor 1, and <paramref name="scanBytes"/> zero bytes of scan (each is 8 samples equal to 128).
    /// </summary>
    public static byte[] LosslessJpeg(int height, int width, int scanBytes)
    {
        using var jpeg = new MemoryStream();
        jpeg.Write([0xFF, 0xD8]);
        jpeg.Write([0xFF, 0xC3, 0x00, 0x0B, 8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 1, 1, 0x11, 0]);
        WriteSingleCodeTable(jpeg, tableClass: 0);
        jpeg.Write([0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 1, 0, 0]);
        jpeg.Write(new byte[scanBytes]);
        jpeg.Write([0xFF, 0xD9]);
        return jpeg.ToArray();
    }

    /// <summary>
    /// A baseline JPEG (SOF0) of one component whose frame header says <paramref name="height"/> x
    /// <paramref name="width"/>: a flat quantisation table, one DC code ('0' = category 0) and one AC
    /// code ('0' = end of block), so each 8x8 block costs 2 bits and decodes to grey 128.
    /// </summary>
    public static byte[] BaselineJpeg(int height, int width, int scanBytes)
    {
        using var jpeg = new MemoryStream();
        jpeg.Write([0xFF, 0xD8]);
        jpeg.Write([0xFF, 0xDB, 0x00, 0x43, 0x00]);
        jpeg.Write(Enumerable.Repeat((byte)1, 64).ToArray());
        jpeg.Write([0xFF, 0xC0, 0x00, 0x0B, 8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 1, 1, 0x11, 0]);
        WriteSingleCodeTable(jpeg, tableClass: 0);
        WriteSingleCodeTable(jpeg, tableClass: 1);
        jpeg.Write([0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0]);
        jpeg.Write(new byte[scanBytes]);
        jpeg.Write([0xFF, 0xD9]);
        return jpeg.ToArray();
    }

    /// <summary>
    /// A DICOM RLE frame (PS3.5 G.3): a 64-byte header listing <paramref name="segments"/> segments
    /// (one per byte of each sample), each <paramref name="runs"/> PackBits repeat runs of 128 zero
    /// bytes (0x81 0x00).
    /// </summary>
    public static byte[] RleFrame(int runs, int segments = 1)
    {
        var frame = new byte[64 + 2 * runs * segments];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)segments);
        for (var segment = 0; segment < segments; segment++)
        {
            var start = 64 + 2 * runs * segment;
            BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4 + 4 * segment), (uint)start);
            for (var i = 0; i < runs; i++)
                frame[start + 2 * i] = 0x81;
        }
        return frame;
    }

    /// <summary>DHT with one table (class 0 = DC/lossless, 1 = AC), id 0: a single code of length 1 for symbol 0.</summary>
    private static void WriteSingleCodeTable(Stream jpeg, int tableClass)
    {
        jpeg.Write([0xFF, 0xC4, 0x00, 0x14, (byte)(tableClass << 4), 1]);
        jpeg.Write(new byte[15]);
        jpeg.WriteByte(0);
    }

    private static void WriteItem(Stream stream, uint tag, byte[] value)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(tag >> 16));
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)tag);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)value.Length);
        stream.Write(header);
        stream.Write(value);
    }
}
