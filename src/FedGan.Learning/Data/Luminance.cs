namespace FedGan.Learning.Data;

/// <summary>
/// One grey level for colour pixels, the same for every loader: ITU-R BT.601 luma, which is also
/// the Y of DICOM's YBR_FULL, so RGB and YBR encodings of one image give the same grey image.
/// </summary>
internal static class Luminance
{
    public static double Bt601(double red, double green, double blue) => 0.299 * red + 0.587 * green + 0.114 * blue;
}
