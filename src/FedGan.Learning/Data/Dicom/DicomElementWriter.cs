using System.Buffers.Binary;
using System.Text;

namespace FedGan.Learning.Data.Dicom;

/// <summary>
/// Writes data elements in Explicit VR Little Endian (PS3.5 7.1.2), each value padded to an even
/// length: text with spaces, UIDs and bytes with NUL. Callers write elements in ascending tag order.
/// </summary>
internal sealed class DicomElementWriter(Stream output)
{
    private static readonly HashSet<string> LongVrs = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT"];

    public void Text(uint tag, string vr, string value) =>
        Bytes(tag, vr, Encoding.ASCII.GetBytes(value), vr == "UI" ? (byte)0 : (byte)' ');

    public void UShort(uint tag, ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        Bytes(tag, "US", bytes, 0);
    }

    public void UInt(uint tag, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        Bytes(tag, "UL", bytes, 0);
    }

    /// <summary>A sequence of items, each written by its own callback, with explicit lengths throughout.</summary>
    public void Sequence(uint tag, params Action<DicomElementWriter>[] items)
    {
        using var body = new MemoryStream();
        foreach (var item in items)
        {
            using var content = new MemoryStream();
            item(new DicomElementWriter(content));
            Header(body, DicomTag.Item, null, (uint)content.Length);
            content.Position = 0;
            content.CopyTo(body);
        }

        Header(output, tag, "SQ", (uint)body.Length);
        body.Position = 0;
        body.CopyTo(output);
    }

    public void Bytes(uint tag, string vr, ReadOnlySpan<byte> value, byte padding)
    {
        var padded = value.Length % 2 == 1;
        Header(output, tag, vr, (uint)(value.Length + (padded ? 1 : 0)));
        output.Write(value);
        if (padded)
            output.WriteByte(padding);
    }

    private static void Header(Stream stream, uint tag, string? vr, uint length)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(tag >> 16));
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)tag);
        if (vr is null)
        {
            // Item headers have no VR (PS3.5 7.5).
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], length);
            stream.Write(header[..8]);
        }
        else if (LongVrs.Contains(vr))
        {
            Encoding.ASCII.GetBytes(vr, header[4..]);
            header[6] = header[7] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], length);
            stream.Write(header);
        }
        else
        {
            if (length > ushort.MaxValue)
                throw new ArgumentException($"A {vr} value of {length} bytes does not fit a 16-bit length.");
            Encoding.ASCII.GetBytes(vr, header[4..]);
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)length);
            stream.Write(header[..8]);
        }
    }
}
