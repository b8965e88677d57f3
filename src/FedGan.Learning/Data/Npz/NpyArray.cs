using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FedGan.Learning.Data.Npz;

/// <summary>A NumPy array read from the .npy format (version 1, 2 or 3): its shape and its values as doubles.</summary>
public sealed record NpyArray(string Descr, int[] Shape, double[] Values)
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Parses .npy bytes; <paramref name="source"/> names them in errors.</summary>
    public static NpyArray Parse(byte[] bytes, string source)
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
            throw new ImageLoadException(source, "not a .npy array: the \\x93NUMPY magic is missing.");
        var major = bytes[6];
        int headerLength, headerStart;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
                headerStart = 10;
                break;
            case 2 or 3:
                if (bytes.Length < 12)
                    throw new ImageLoadException(source, "the .npy header is truncated.");
                var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
                if (length > int.MaxValue)
                    throw new ImageLoadException(source, $"the .npy header claims {length} bytes.");
                headerLength = (int)length;
                headerStart = 12;
                break;
            default:
                throw new ImageLoadException(source, $".npy format version {major}.{bytes[7]} is not supported (1, 2 and 3 are).");
        }
        if ((long)headerStart + headerLength > bytes.Length)
            throw new ImageLoadException(source, "the .npy header runs past the end of the array.");
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes, headerStart, headerLength);
        var (descr, fortran, shape) = ParseHeader(header, source);
        if (fortran)
            throw new ImageLoadException(source, "Fortran-ordered arrays are not supported; save with C order (numpy.ascontiguousarray).");

        var (size, read) = ElementReader(descr, source);
        long count = 1;
        foreach (var d in shape)
            count *= d;
        var dataStart = headerStart + headerLength;
        if (count * size != bytes.Length - dataStart)
            throw new ImageLoadException(source, $"shape ({string.Join(", ", shape)}) of '{descr}' needs {count * size} data bytes, found {bytes.Length - dataStart}.");
        var values = new double[count];
        for (var i = 0; i < values.Length; i++)
            values[i] = read(bytes.AsSpan(dataStart + (int)(i * size), size));
        return new NpyArray(descr, shape, values);
    }

    /// <summary>The header is a Python dict literal: {'descr': '|u1', 'fortran_order': False, 'shape': (3, 28, 28), }.</summary>
    private static (string Descr, bool Fortran, int[] Shape) ParseHeader(string header, string source)
    {
        var descr = Regex.Match(header, @"'descr'\s*:\s*'([^']*)'");
        var fortran = Regex.Match(header, @"'fortran_order'\s*:\s*(True|False)");
        var shape = Regex.Match(header, @"'shape'\s*:\s*\(([^)]*)\)");
        if (!descr.Success || !fortran.Success || !shape.Success)
            throw new ImageLoadException(source, $"the .npy header lacks descr, fortran_order or shape: {header.Trim()}");
        var dimensions = new List<int>();
        foreach (var part in shape.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out var d))
                throw new ImageLoadException(source, $"the .npy shape has a bad dimension '{part}'.");
            dimensions.Add(d);
        }
        return (descr.Groups[1].Value, fortran.Groups[1].Value == "True", [.. dimensions]);
    }

    private delegate double ReadElement(ReadOnlySpan<byte> bytes);

    private static (int Size, ReadElement Read) ElementReader(string descr, string source)
    {
        if (descr.Length < 3)
            throw new ImageLoadException(source, $"unsupported .npy dtype '{descr}'.");
        var big = descr[0] == '>';
        return descr[1..] switch
        {
            "u1" => (1, b => b[0]),
            "i1" => (1, b => (sbyte)b[0]),
            "b1" => (1, b => b[0] != 0 ? 1 : 0),
            "u2" => (2, b => big ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b)),
            "i2" => (2, b => big ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b)),
            "u4" => (4, b => big ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b)),
            "i4" => (4, b => big ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b)),
            "u8" => (8, b => big ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b)),
            "i8" => (8, b => big ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b)),
            "f4" => (4, b => big ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b)),
            "f8" => (8, b => big ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b)),
            _ => throw new ImageLoadException(source, $"unsupported .npy dtype '{descr}' (integers, booleans and floats are)."),
        };
    }
}
