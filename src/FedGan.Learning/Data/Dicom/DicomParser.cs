using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace FedGan.Learning.Data.Dicom;

/// <summary>
/// Parses a DICOM Part 10 file (or a bare data set without the 128-byte preamble, as older
/// files are) far enough to decode its image: the file meta group for the transfer syntax, the
/// top-level attributes, and the pixel data. Every length is checked against the bytes present,
/// so a truncated or malformed file fails with the element it broke in.
/// </summary>
internal static class DicomParser
{
    private const int MaxSequenceDepth = 16;
    private static readonly HashSet<string> LongVrs = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV"];
    private static readonly HashSet<string> AllVrs =
        ["AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO", "LT", "PN", "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US", .. LongVrs];

    public static DicomDataSet Parse(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageLoadException(path, e.Message, e);
        }
        return Parse(bytes, path);
    }

    public static DicomDataSet Parse(byte[] bytes, string path)
    {
        var position = 0;
        DicomTransferSyntax syntax;
        if (bytes.Length >= 132 && bytes.AsSpan(128, 4).SequenceEqual("DICM"u8))
        {
            position = 132;
            var meta = new Cursor(bytes, path, DicomTransferSyntax.ExplicitVrLittleEndian) { Position = position };
            var metaElements = new Dictionary<uint, DicomElement>();
            while (meta.Remaining >= 4 && meta.PeekGroup() == 0x0002)
                ReadElement(meta, metaElements, depth: 0);
            position = meta.Position;
            var uid = metaElements.TryGetValue(DicomTag.TransferSyntaxUid, out var ts)
                ? Encoding.ASCII.GetString(ts.Value).Trim(' ', '\0')
                : null;
            syntax = uid is null or ""
                ? DicomTransferSyntax.ImplicitVrLittleEndian
                : DicomTransferSyntax.Resolve(uid, path);
            syntax = CorrectVrEncoding(bytes, position, syntax);
        }
        else
        {
            syntax = Guess(bytes, 0, path);
        }

        if (syntax == DicomTransferSyntax.DeflatedExplicitVrLittleEndian)
        {
            bytes = Inflate(bytes, position, path);
            position = 0;
        }
        var cursor = new Cursor(bytes, path, syntax) { Position = position };
        var elements = new Dictionary<uint, DicomElement>();
        List<byte[]>? fragments = null;
        while (cursor.Remaining > 0)
        {
            var tag = ReadElement(cursor, elements, depth: 0, stopAtPixelData: true);
            if (tag == DicomTag.PixelData)
            {
                fragments = cursor.Fragments;
                break;
            }
        }
        return new DicomDataSet(path, syntax, elements) { PixelFragments = fragments };
    }

    /// <summary>
    /// Some writers encode the data set with the other VR form than the transfer syntax (or a
    /// missing one) says; as pydicom does, trust the bytes: two upper-case VR letters after the
    /// first tag mean explicit VR.
    /// </summary>
    private static DicomTransferSyntax CorrectVrEncoding(byte[] bytes, int position, DicomTransferSyntax syntax)
    {
        if (syntax.BigEndian || syntax == DicomTransferSyntax.DeflatedExplicitVrLittleEndian || bytes.Length - position < 6)
            return syntax;
        var looksExplicit = AllVrs.Contains(Encoding.ASCII.GetString(bytes, position + 4, 2));
        return looksExplicit == syntax.ExplicitVr ? syntax : syntax with { ExplicitVr = looksExplicit };
    }

    /// <summary>
    /// Files without a meta group (or without a transfer syntax in it): the first element tells
    /// the byte order (its group is small), and two upper-case letters after the tag mean explicit VR.
    /// </summary>
    private static DicomTransferSyntax Guess(byte[] bytes, int position, string path)
    {
        if (bytes.Length - position < 8)
            throw new ImageLoadException(path, "not a DICOM file: it is too short to hold a data element.");
        var little = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(position));
        var big = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(position));
        var vr = Encoding.ASCII.GetString(bytes, position + 4, 2);
        var explicitVr = AllVrs.Contains(vr);
        if (little is 0x0000 or 0x0002 or 0x0008)
            return explicitVr ? DicomTransferSyntax.ExplicitVrLittleEndian : DicomTransferSyntax.ImplicitVrLittleEndian;
        if (big is 0x0002 or 0x0008 && explicitVr)
            return DicomTransferSyntax.ExplicitVrBigEndian;
        throw new ImageLoadException(path, "not a DICOM file: no 'DICM' marker at byte 128 and no recognisable data set at the start.");
    }

    private static byte[] Inflate(byte[] bytes, int position, string path)
    {
        try
        {
            using var deflate = new DeflateStream(new MemoryStream(bytes, position, bytes.Length - position), CompressionMode.Decompress);
            using var inflated = new MemoryStream();
            deflate.CopyTo(inflated);
            return inflated.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new ImageLoadException(path, $"the deflated data set is corrupt: {e.Message}", e);
        }
    }

    /// <summary>Reads one element; keeps its value when <paramref name="keep"/> is given; returns its tag.</summary>
    private static uint ReadElement(Cursor cursor, Dictionary<uint, DicomElement>? keep, int depth, bool stopAtPixelData = false)
    {
        var tag = cursor.ReadTag();
        var (vr, length) = cursor.ReadVrAndLength(tag);
        if (length == uint.MaxValue)
        {
            if (tag == DicomTag.PixelData && depth == 0 && stopAtPixelData)
                cursor.Fragments = ReadFragments(cursor);
            else
                SkipUndefinedLength(vr == "UN" ? cursor.AsImplicitLittleEndian() : cursor, depth + 1);
            return tag;
        }
        var value = cursor.Take((int)Math.Min(length, int.MaxValue), tag, length);
        if (keep is not null && (tag >> 16 is 0x0002 or 0x0028 || tag == DicomTag.PixelData))
            keep[tag] = new DicomElement(tag, vr, value);
        return tag;
    }

    private static List<byte[]> ReadFragments(Cursor cursor)
    {
        var fragments = new List<byte[]>();
        while (true)
        {
            var tag = cursor.ReadTag();
            var length = cursor.ReadUInt32();
            if (tag == DicomTag.SequenceDelimitation)
                return fragments;
            if (tag != DicomTag.Item || length == uint.MaxValue)
                throw cursor.Error($"encapsulated Pixel Data holds {DicomTag.Format(tag)} where an item was expected");
            fragments.Add(cursor.Take((int)Math.Min(length, int.MaxValue), DicomTag.PixelData, length));
        }
    }

    private static void SkipUndefinedLength(Cursor cursor, int depth)
    {
        if (depth > MaxSequenceDepth)
            throw cursor.Error($"sequences are nested more than {MaxSequenceDepth} deep");
        while (true)
        {
            var tag = cursor.ReadTag();
            var length = cursor.ReadUInt32();
            if (tag == DicomTag.SequenceDelimitation)
                return;
            if (tag != DicomTag.Item)
                throw cursor.Error($"a sequence holds {DicomTag.Format(tag)} where an item was expected");
            if (length != uint.MaxValue)
            {
                cursor.Take((int)Math.Min(length, int.MaxValue), tag, length);
                continue;
            }
            while (cursor.PeekTag() != DicomTag.ItemDelimitation)
                ReadElement(cursor, keep: null, depth);
            cursor.ReadTag();
            cursor.ReadUInt32();
        }
    }

    /// <summary>A bounds-checked position in the file's bytes, reading in the data set's encoding.</summary>
    private sealed class Cursor(byte[] bytes, string path, DicomTransferSyntax syntax)
    {
        public int Position { get; set; }
        public int Remaining => bytes.Length - Position;
        public List<byte[]>? Fragments { get; set; }

        public Cursor AsImplicitLittleEndian() => new(bytes, path, DicomTransferSyntax.ImplicitVrLittleEndian) { Position = Position };

        public ushort PeekGroup() => Read16(Position);

        public uint PeekTag()
        {
            Need(4, "a tag");
            return (uint)Read16(Position) << 16 | Read16(Position + 2);
        }

        public uint ReadTag()
        {
            var tag = PeekTag();
            Position += 4;
            return tag;
        }

        public uint ReadUInt32()
        {
            Need(4, "a length");
            var value = syntax.BigEndian
                ? BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(Position))
                : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(Position));
            Position += 4;
            return value;
        }

        public (string? Vr, uint Length) ReadVrAndLength(uint tag)
        {
            if (!syntax.ExplicitVr || tag >> 16 == 0xFFFE)
                return (null, ReadUInt32());
            Need(4, $"the header of element {DicomTag.Format(tag)}");
            var vr = Encoding.ASCII.GetString(bytes, Position, 2);
            Position += 2;
            if (!AllVrs.Contains(vr))
                throw Error($"element {DicomTag.Format(tag)} has an invalid VR '{Printable(vr)}'");
            if (!LongVrs.Contains(vr))
            {
                var shortLength = Read16(Position);
                Position += 2;
                return (vr, shortLength);
            }
            Position += 2; // reserved
            return (vr, ReadUInt32());
        }

        public byte[] Take(int length, uint tag, uint declared)
        {
            if (declared > (uint)Remaining)
                throw Error($"the file ends inside {DicomTag.Describe(tag)}: {declared} bytes declared, {Remaining} present (truncated file?)");
            var value = bytes.AsSpan(Position, length).ToArray();
            Position += length;
            return value;
        }

        public ImageLoadException Error(string problem) => new(path, $"malformed DICOM at byte {Position}: {problem}.");

        private void Need(int count, string what)
        {
            if (Remaining < count)
                throw Error($"the file ends inside {what} (truncated file?)");
        }

        private ushort Read16(int at) => syntax.BigEndian
            ? BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at))
            : BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at));

        private static string Printable(string text) =>
            new(text.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
    }
}
