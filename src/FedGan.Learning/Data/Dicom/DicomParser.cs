using System.Buffers.Binary;
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
            var inflater = new LazyInflater(bytes, position, path);
            try
            {
                return ParseDataSet(new Cursor(inflater, path, syntax), path, syntax, inflater);
            }
            catch
            {
                inflater.Dispose();
                throw;
            }
        }
        return ParseDataSet(new Cursor(bytes, path, syntax) { Position = position }, path, syntax, resource: null);
    }

    private static DicomDataSet ParseDataSet(Cursor cursor, string path, DicomTransferSyntax syntax, LazyInflater? resource)
    {
        var elements = new Dictionary<uint, DicomElement>();
        while (!cursor.AtEnd)
        {
            if (cursor.PeekTag() != DicomTag.PixelData)
            {
                ReadElement(cursor, elements, depth: 0);
                continue;
            }
            cursor.ReadTag();
            var (vr, length) = cursor.ReadVrAndLength(DicomTag.PixelData);
            if (length == uint.MaxValue)
                return new DicomDataSet(path, syntax, elements) { PixelFragments = ReadFragments(cursor), Resource = resource };
            // Native pixels are not copied here: the decoder reads the one frame it decodes, after
            // checking the declared length against the image's declared size.
            var pixels = cursor.Defer(length);
            return new DicomDataSet(path, syntax, elements) { NativePixels = new NativePixelData(vr, length, pixels), Resource = resource };
        }
        return new DicomDataSet(path, syntax, elements) { Resource = resource };
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

    /// <summary>Reads one element; keeps its value when <paramref name="keep"/> is given and it is one this reader uses; returns its tag.</summary>
    private static uint ReadElement(Cursor cursor, Dictionary<uint, DicomElement>? keep, int depth)
    {
        var tag = cursor.ReadTag();
        var (vr, length) = cursor.ReadVrAndLength(tag);
        if (length == uint.MaxValue)
        {
            // PS3.5 6.2.2: an undefined-length UN element holds a sequence in implicit VR little endian.
            var inner = vr == "UN" ? cursor.AsImplicitLittleEndian() : cursor;
            SkipUndefinedLength(inner, depth + 1);
            cursor.Position = inner.Position;
            return tag;
        }
        if (keep is not null && tag >> 16 is 0x0002 or 0x0028)
            keep[tag] = new DicomElement(tag, vr, cursor.Take(tag, length));
        else
            cursor.Skip(tag, length);
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
            fragments.Add(cursor.Take(DicomTag.PixelData, length));
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
                cursor.Skip(tag, length);
                continue;
            }
            while (cursor.PeekTag() != DicomTag.ItemDelimitation)
                ReadElement(cursor, keep: null, depth);
            cursor.ReadTag();
            cursor.ReadUInt32();
        }
    }

    /// <summary>
    /// A bounds-checked position in the data set's bytes, reading in its encoding: the file's bytes,
    /// or a deflated data set's, inflated as far as the cursor has to look and no further.
    /// </summary>
    private sealed class Cursor
    {
        private readonly byte[] _bytes;
        private readonly LazyInflater? _inflater;
        private readonly string _path;
        private readonly DicomTransferSyntax _syntax;

        public Cursor(byte[] bytes, string path, DicomTransferSyntax syntax)
        {
            _bytes = bytes;
            _path = path;
            _syntax = syntax;
        }

        public Cursor(LazyInflater inflater, string path, DicomTransferSyntax syntax)
            : this([], path, syntax) => _inflater = inflater;

        public int Position { get; set; }

        private byte[] Bytes => _inflater?.Buffer ?? _bytes;

        private int Length => _inflater?.Length ?? _bytes.Length;

        public int Remaining => Length - Position;

        public bool AtEnd => !Has(1);

        public Cursor AsImplicitLittleEndian() =>
            _inflater is null
                ? new(_bytes, _path, DicomTransferSyntax.ImplicitVrLittleEndian) { Position = Position }
                : new(_inflater, _path, DicomTransferSyntax.ImplicitVrLittleEndian) { Position = Position };

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
            var value = _syntax.BigEndian
                ? BinaryPrimitives.ReadUInt32BigEndian(Bytes.AsSpan(Position))
                : BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(Position));
            Position += 4;
            return value;
        }

        public (string? Vr, uint Length) ReadVrAndLength(uint tag)
        {
            if (!_syntax.ExplicitVr || tag >> 16 == 0xFFFE)
                return (null, ReadUInt32());
            Need(4, $"the header of element {DicomTag.Format(tag)}");
            var vr = Encoding.ASCII.GetString(Bytes, Position, 2);
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

        /// <summary>A copy of the next <paramref name="declared"/> bytes, the value of <paramref name="tag"/>.</summary>
        public byte[] Take(uint tag, uint declared)
        {
            NeedValue(tag, declared);
            var value = Bytes.AsSpan(Position, (int)declared).ToArray();
            Position += (int)declared;
            return value;
        }

        public void Skip(uint tag, uint declared)
        {
            NeedValue(tag, declared);
            Position += (int)declared;
        }

        /// <summary>
        /// Moves past a value of <paramref name="declared"/> bytes without reading it; returns how to
        /// read a prefix of it later. A file's value must be all there; a deflated one is inflated
        /// only as far as the prefix asked for.
        /// </summary>
        public Func<int, byte[]> Defer(uint declared)
        {
            var start = Position;
            if (_inflater is not { } inflater)
            {
                NeedValue(DicomTag.PixelData, declared);
                Position += (int)declared;
                var bytes = _bytes;
                return count => bytes.AsSpan(start, Math.Min(count, (int)declared)).ToArray();
            }
            return count =>
            {
                var end = start + (long)Math.Min((uint)count, declared);
                inflater.Limit = end;
                inflater.Fill(end);
                if (inflater.Length < end)
                    throw new ImageLoadException(_path, $"the deflated data set ends inside Pixel Data (7FE0,0010): {declared} bytes declared, {inflater.Length - start} present (truncated file?).");
                return inflater.Buffer.AsSpan(start, (int)(end - start)).ToArray();
            };
        }

        public ImageLoadException Error(string problem) => new(_path, $"malformed DICOM at byte {Position}: {problem}.");

        private void NeedValue(uint tag, uint declared)
        {
            if (!Has(declared))
                throw Error($"the file ends inside {DicomTag.Describe(tag)}: {declared} bytes declared, {Remaining} present (truncated file?)");
        }

        private void Need(int count, string what)
        {
            if (!Has((uint)count))
                throw Error($"the file ends inside {what} (truncated file?)");
        }

        /// <summary>Whether <paramref name="count"/> more bytes are there, inflating up to them first (within the inflater's limit).</summary>
        private bool Has(uint count)
        {
            if (Remaining >= count)
                return true;
            _inflater?.Fill(Position + (long)count);
            return Remaining >= count;
        }

        private ushort Read16(int at) => _syntax.BigEndian
            ? BinaryPrimitives.ReadUInt16BigEndian(Bytes.AsSpan(at))
            : BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan(at));

        private static string Printable(string text) =>
            new(text.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
    }
}
