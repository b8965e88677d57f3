namespace FedGan.Learning.Data.Dicom;

/// <summary>The (group, element) tags this reader looks at, packed as group &lt;&lt; 16 | element.</summary>
internal static class DicomTag
{
    public const uint TransferSyntaxUid = 0x0002_0010;
    public const uint SamplesPerPixel = 0x0028_0002;
    public const uint PhotometricInterpretation = 0x0028_0004;
    public const uint PlanarConfiguration = 0x0028_0006;
    public const uint NumberOfFrames = 0x0028_0008;
    public const uint Rows = 0x0028_0010;
    public const uint Columns = 0x0028_0011;
    public const uint BitsAllocated = 0x0028_0100;
    public const uint BitsStored = 0x0028_0101;
    public const uint HighBit = 0x0028_0102;
    public const uint PixelRepresentation = 0x0028_0103;
    public const uint WindowCenter = 0x0028_1050;
    public const uint WindowWidth = 0x0028_1051;
    public const uint RescaleIntercept = 0x0028_1052;
    public const uint RescaleSlope = 0x0028_1053;
    public const uint PixelData = 0x7FE0_0010;
    public const uint Item = 0xFFFE_E000;
    public const uint ItemDelimitation = 0xFFFE_E00D;
    public const uint SequenceDelimitation = 0xFFFE_E0DD;

    public static string Format(uint tag) => $"({tag >> 16:X4},{tag & 0xFFFF:X4})";

    public static string Describe(uint tag) => tag switch
    {
        SamplesPerPixel => "Samples per Pixel (0028,0002)",
        PhotometricInterpretation => "Photometric Interpretation (0028,0004)",
        NumberOfFrames => "Number of Frames (0028,0008)",
        Rows => "Rows (0028,0010)",
        Columns => "Columns (0028,0011)",
        BitsAllocated => "Bits Allocated (0028,0100)",
        BitsStored => "Bits Stored (0028,0101)",
        PixelRepresentation => "Pixel Representation (0028,0103)",
        WindowCenter => "Window Center (0028,1050)",
        WindowWidth => "Window Width (0028,1051)",
        RescaleIntercept => "Rescale Intercept (0028,1052)",
        RescaleSlope => "Rescale Slope (0028,1053)",
        PixelData => "Pixel Data (7FE0,0010)",
        _ => Format(tag),
    };
}
