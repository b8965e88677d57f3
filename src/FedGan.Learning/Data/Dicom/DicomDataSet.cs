using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace FedGan.Learning.Data.Dicom;

/// <summary>One top-level attribute's value bytes, with its VR when the encoding states it.</summary>
internal sealed record DicomElement(uint Tag, string? Vr, byte[] Value);

/// <summary>
/// Native (uncompressed) Pixel Data: its declared length, checked against the bytes present or
/// (deflated) still to inflate, and its bytes, read only as far as the decoder asks.
/// </summary>
internal sealed class NativePixelData(string? vr, long length, Func<int, byte[]> readPrefix)
{
    public string? Vr { get; } = vr;

    /// <summary>The value length the element declares.</summary>
    public long Length { get; } = length;

    /// <summary>The first <paramref name="count"/> bytes (at most <see cref="Length"/>).</summary>
    public byte[] ReadPrefix(int count) => readPrefix(count);
}

/// <summary>
/// The top-level attributes of a DICOM file (nested sequences are skipped) and its pixel data,
/// either native bytes or the fragments of encapsulated (compressed) data.
/// </summary>
internal sealed class DicomDataSet(string path, DicomTransferSyntax syntax, Dictionary<uint, DicomElement> elements) : IDisposable
{
    public string Path { get; } = path;
    public DicomTransferSyntax Syntax { get; } = syntax;
    public IReadOnlyDictionary<uint, DicomElement> Elements { get; } = elements;
    public List<byte[]>? PixelFragments { get; init; }
    public NativePixelData? NativePixels { get; init; }

    /// <summary>What reading the pixels needs until the data set is done with (a deflated file's inflater).</summary>
    public IDisposable? Resource { get; init; }

    public bool HasPixelData => NativePixels is not null || PixelFragments is not null;

    public void Dispose() => Resource?.Dispose();

    public ushort? UShort(uint tag)
    {
        if (!Elements.TryGetValue(tag, out var element))
            return null;
        if (element.Value.Length < 2)
            throw Invalid(tag, $"holds {element.Value.Length} bytes, not an unsigned short");
        return Syntax.BigEndian
            ? BinaryPrimitives.ReadUInt16BigEndian(element.Value)
            : BinaryPrimitives.ReadUInt16LittleEndian(element.Value);
    }

    public ushort RequiredUShort(uint tag) =>
        UShort(tag) ?? throw new ImageLoadException(Path, $"{DicomTag.Describe(tag)} is missing.");

    /// <summary>A string value with DICOM's space/NUL padding removed; null when absent or empty.</summary>
    public string? Text(uint tag)
    {
        if (!Elements.TryGetValue(tag, out var element))
            return null;
        var text = Encoding.ASCII.GetString(element.Value).Trim(' ', '\0');
        return text.Length == 0 ? null : text;
    }

    /// <summary>The first value of a DS (decimal string) attribute, or null when absent.</summary>
    public double? FirstDecimal(uint tag)
    {
        var text = Text(tag);
        if (text is null)
            return null;
        var first = text.Split('\\')[0].Trim();
        if (!double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw Invalid(tag, $"'{first}' is not a decimal number");
        return value;
    }

    /// <summary>An IS (integer string) attribute, or null when absent.</summary>
    public int? Integer(uint tag)
    {
        var text = Text(tag);
        if (text is null)
            return null;
        if (!int.TryParse(text.Split('\\')[0].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw Invalid(tag, $"'{text}' is not an integer");
        return value;
    }

    public ImageLoadException Invalid(uint tag, string problem) =>
        new(Path, $"{DicomTag.Describe(tag)} {problem}.");
}
