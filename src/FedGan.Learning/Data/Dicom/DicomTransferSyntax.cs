namespace FedGan.Learning.Data.Dicom;

/// <summary>How a DICOM data set and its pixel data are encoded, from its transfer syntax UID (PS3.5 section 10 and annex A).</summary>
public sealed record DicomTransferSyntax(string Uid, string Name, bool ExplicitVr, bool BigEndian, DicomPixelEncoding PixelEncoding)
{
    public static readonly DicomTransferSyntax ImplicitVrLittleEndian = new("1.2.840.10008.1.2", "Implicit VR Little Endian", false, false, DicomPixelEncoding.Native);
    public static readonly DicomTransferSyntax ExplicitVrLittleEndian = new("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, DicomPixelEncoding.Native);
    public static readonly DicomTransferSyntax DeflatedExplicitVrLittleEndian = new("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", true, false, DicomPixelEncoding.Native);
    public static readonly DicomTransferSyntax ExplicitVrBigEndian = new("1.2.840.10008.1.2.2", "Explicit VR Big Endian", true, true, DicomPixelEncoding.Native);
    public static readonly DicomTransferSyntax RleLossless = new("1.2.840.10008.1.2.5", "RLE Lossless", true, false, DicomPixelEncoding.Rle);
    public static readonly DicomTransferSyntax JpegBaseline = new("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", true, false, DicomPixelEncoding.JpegBaseline);
    public static readonly DicomTransferSyntax JpegLossless = new("1.2.840.10008.1.2.4.57", "JPEG Lossless (Process 14)", true, false, DicomPixelEncoding.JpegLossless);
    public static readonly DicomTransferSyntax JpegLosslessFirstOrder = new("1.2.840.10008.1.2.4.70", "JPEG Lossless (Process 14, Selection Value 1)", true, false, DicomPixelEncoding.JpegLossless);

    private static readonly DicomTransferSyntax[] Supported =
    [
        ImplicitVrLittleEndian, ExplicitVrLittleEndian, DeflatedExplicitVrLittleEndian, ExplicitVrBigEndian,
        RleLossless, JpegBaseline, JpegLossless, JpegLosslessFirstOrder,
    ];

    // Encapsulated syntaxes this reader recognises but cannot decode, named so the error says what the file is.
    private static readonly Dictionary<string, string> Unsupported = new(StringComparer.Ordinal)
    {
        ["1.2.840.10008.1.2.4.51"] = "JPEG Extended (Process 2 & 4)",
        ["1.2.840.10008.1.2.4.80"] = "JPEG-LS Lossless",
        ["1.2.840.10008.1.2.4.81"] = "JPEG-LS Near-Lossless",
        ["1.2.840.10008.1.2.4.90"] = "JPEG 2000 (Lossless Only)",
        ["1.2.840.10008.1.2.4.91"] = "JPEG 2000",
        ["1.2.840.10008.1.2.4.201"] = "High-Throughput JPEG 2000 (Lossless Only)",
        ["1.2.840.10008.1.2.4.203"] = "High-Throughput JPEG 2000",
        ["1.2.840.10008.1.2.4.100"] = "MPEG2",
        ["1.2.840.10008.1.2.4.102"] = "MPEG-4 AVC/H.264",
    };

    /// <summary>The syntax for <paramref name="uid"/>, or an explanation of why it cannot be read.</summary>
    public static DicomTransferSyntax Resolve(string uid, string path)
    {
        var match = Supported.FirstOrDefault(s => s.Uid == uid);
        if (match is not null)
            return match;
        var reason = Unsupported.TryGetValue(uid, out var name)
            ? $"transfer syntax {uid} ({name}) is not supported: without fo-dicom (not on this NuGet mirror) only uncompressed, deflated, RLE, baseline JPEG and lossless JPEG files are decoded; convert it first (e.g. dcmdjpeg, gdcmconv --raw)."
            : $"unknown transfer syntax '{uid}'.";
        throw new ImageLoadException(path, reason);
    }
}

public enum DicomPixelEncoding
{
    Native,
    Rle,
    JpegBaseline,
    JpegLossless,
}
