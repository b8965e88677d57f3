using FedGan.Learning.Data;
using FedGan.Learning.Data.Dicom;

namespace FedGan.Learning.Tests.Data;

/// <summary>
/// Real DICOM files shipped by Debian's python3-pydicom. Expected pixel values are those pydicom's
/// own test suite publishes (pydicom/tests/test_numpy_pixel_data.py, test_rle_pixel_data.py) or,
/// where it publishes none, values read with pydicom from ds.PixelData.
/// </summary>
public class DicomImageTests
{
    internal const string Files = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    internal static string File(string name) => Path.Combine(Files, name);

    [Theory]
    [InlineData("MR_small.dcm", "Explicit VR Little Endian")]
    [InlineData("MR_small_implicit.dcm", "Implicit VR Little Endian")]
    [InlineData("MR_small_bigendian.dcm", "Explicit VR Big Endian")]
    [InlineData("MR_small_expb.dcm", "Explicit VR Big Endian")]
    [InlineData("MR_small_RLE.dcm", "RLE Lossless")]
    [InlineData("MR_small_padded.dcm", "Explicit VR Little Endian")]
    public void Every_encoding_of_mr_small_decodes_to_the_published_pixels(string name, string syntax)
    {
        var image = DicomImage.Read(File(name));

        Assert.Equal(syntax, image.TransferSyntax.Name);
        Assert.Equal((64, 64), (image.Rows, image.Columns));
        // pydicom test_little_16bit_1sample_1frame: arr[0, 31:34], arr[31, :3], arr[-1, -3:].
        Assert.Equal([422.0, 319, 361], image.StoredValues[31..34]);
        Assert.Equal([366.0, 363, 322], image.StoredValues[(31 * 64)..(31 * 64 + 3)]);
        Assert.Equal([1369.0, 1129, 862], image.StoredValues[^3..]);
    }

    [Fact]
    public void Mr_small_goes_through_its_window()
    {
        var image = DicomImage.Read(File("MR_small.dcm"));

        var unit = image.ToUnitRange();

        // The file's window is center 600, width 1600. PS3.3 C.11.2.1.2.1 by hand for the last
        // pixel, 862: (862 - 599.5) / 1599 + 0.5 = 0.664165103...
        Assert.Equal((600.0, 1600.0), image.Window);
        Assert.Equal(0.664165103, unit[^1], 6);
        Assert.All(unit, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Ct_small_without_a_window_is_scaled_min_to_max()
    {
        var image = DicomImage.Read(File("CT_small.dcm"));

        var unit = image.ToUnitRange();

        // From pydicom (ds.PixelData as int16): first pixels 175 180 166 143 139, min 128, max 2191.
        Assert.Equal((128, 128), (image.Rows, image.Columns));
        Assert.Equal([175.0, 180, 166, 143, 139], image.StoredValues[..5]);
        Assert.Equal(-1024.0, image.RescaleIntercept);
        Assert.Null(image.Window);
        Assert.Equal(0f, unit.Min());
        Assert.Equal(1f, unit.Max());
        Assert.Equal(47.0 / 2063.0, unit[0], 6); // (175 - 128) / (2191 - 128); the intercept cancels
    }

    [Fact]
    public void Thirty_two_bit_rle_matches_the_uncompressed_file()
    {
        var rle = DicomImage.Read(File("rtdose_rle_1frame.dcm"));
        var native = DicomImage.Read(File("rtdose_1frame.dcm"));

        // pydicom test_rle_pixel_data: arr[0, :3] and arr[-1, -3:].
        Assert.Equal([1249000.0, 1249000, 1250000], rle.StoredValues[..3]);
        Assert.Equal([803000.0, 801000, 798000], rle.StoredValues[^3..]);
        Assert.Equal(native.StoredValues, rle.StoredValues);
    }

    // Ten horizontal bands, sampled at column 50 of rows 5, 15, ..., 95. pydicom publishes their RGB
    // (test_rle_pixel_data) and YBR_FULL_422 (test_numpy_pixel_data) values; luminance by hand
    // with BT.601 weights 0.299, 0.587, 0.114, e.g. (255, 128, 128) -> 165.973.
    private static readonly double[] BandLuma = [76.245, 165.973, 149.685, 202.549, 29.07, 142.478, 0, 64, 192, 255];
    private static readonly double[] BandY = [76, 166, 150, 203, 29, 142, 0, 64, 192, 255];

    [Fact]
    public void Rgb_rle_image_becomes_bt601_luminance()
    {
        var image = DicomImage.Read(File("SC_rgb_rle.dcm"));

        Assert.True(image.IsColor);
        for (var band = 0; band < 10; band++)
            Assert.Equal(BandLuma[band], image.StoredValues[(5 + 10 * band) * 100 + 50], 9);
    }

    [Fact]
    public void Uncompressed_ybr_422_keeps_its_y_channel()
    {
        var image = DicomImage.Read(File("SC_ybr_full_422_uncompressed.dcm"));

        for (var band = 0; band < 10; band++)
            Assert.Equal(BandY[band], image.StoredValues[(5 + 10 * band) * 100 + 50]);
    }

    [Fact]
    public void Lossless_jpeg_equals_the_rle_encoding_of_the_same_image()
    {
        var jpeg = DicomImage.Read(File("SC_rgb_jpeg_gdcm.dcm"));
        var rle = DicomImage.Read(File("SC_rgb_rle.dcm"));

        Assert.Equal("JPEG Lossless (Process 14, Selection Value 1)", jpeg.TransferSyntax.Name);
        for (var band = 0; band < 10; band++)
            Assert.Equal(BandLuma[band], jpeg.StoredValues[(5 + 10 * band) * 100 + 50], 9);
        Assert.Equal(rle.StoredValues, jpeg.StoredValues);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void Lossless_jpeg_from_dcmtk_decodes_exactly_with_every_predictor(int predictor)
    {
        // Fixtures/README.md: MR_small compressed by DCMTK's dcmcjpeg with selection value 1..7.
        var path = Path.Combine(AppContext.BaseDirectory, "Data", "Fixtures", $"mr_sv{predictor}.dcm");

        var image = DicomImage.Read(path);

        Assert.Equal("JPEG Lossless (Process 14)", image.TransferSyntax.Name);
        Assert.Equal([422.0, 319, 361], image.StoredValues[31..34]);
        Assert.Equal(DicomImage.Read(File("MR_small.dcm")).StoredValues, image.StoredValues);
    }

    [Fact]
    public void Lossless_jpeg_ct_with_rescale_equals_the_uncompressed_ct()
    {
        var image = DicomImage.Read(Path.Combine(AppContext.BaseDirectory, "Data", "Fixtures", "ct_sv1.dcm"));
        var original = DicomImage.Read(File("CT_small.dcm"));

        Assert.Equal(original.StoredValues, image.StoredValues);
        Assert.Equal(original.ToUnitRange(), image.ToUnitRange());
    }

    [Fact]
    public void Baseline_jpeg_decodes_close_to_the_lossless_bands()
    {
        var image = DicomImage.Read(File("SC_rgb_jpeg_dcmtk.dcm"));

        Assert.Equal("JPEG Baseline (Process 1)", image.TransferSyntax.Name);
        // Lossy: within a few grey levels of the exact band luminance.
        for (var band = 0; band < 10; band++)
            Assert.InRange(image.StoredValues[(5 + 10 * band) * 100 + 50], BandLuma[band] - 4, BandLuma[band] + 4);
    }

    [Fact]
    public void Deflated_and_one_bit_files_decode()
    {
        var deflated = DicomImage.Read(File("image_dfl.dcm"));
        var bits = DicomImage.Read(File("liver_1frame.dcm"));
        var bitsBigEndian = DicomImage.Read(File("liver_expb_1frame.dcm"));

        // From pydicom's ds.PixelData: 24 grey levels summing to 33,322,688, first pixel 213, last 188;
        // the 1-bit liver mask has 36,233 set bits.
        Assert.Equal((512, 512), (deflated.Rows, deflated.Columns));
        Assert.Equal(24, deflated.StoredValues.Distinct().Count());
        Assert.Equal(33_322_688, deflated.StoredValues.Sum());
        Assert.Equal((213.0, 188.0), (deflated.StoredValues[0], deflated.StoredValues[^1]));
        Assert.All(bits.StoredValues, v => Assert.True(v is 0 or 1));
        Assert.Equal(36_233, bits.StoredValues.Sum());
        Assert.Equal(bits.StoredValues, bitsBigEndian.StoredValues);
    }

    [Theory]
    [InlineData("MR_truncated.dcm", "ends inside Pixel Data (7FE0,0010)")]
    [InlineData("rtplan_truncated.dcm", "ends inside")]
    [InlineData("JPEG2000.dcm", "1.2.840.10008.1.2.4.91 (JPEG 2000) is not supported")]
    [InlineData("MR_small_jpeg_ls_lossless.dcm", "JPEG-LS Lossless")]
    [InlineData("GDCMJ2K_TextGBR.dcm", "JPEG 2000 (Lossless Only)")]
    [InlineData("JPGExtended.dcm", "JPEG Extended")]
    [InlineData("badVR.dcm", "Number of Frames (0028,0008) '1A' is not an integer")]
    [InlineData("rtplan.dcm", "no Pixel Data")]
    [InlineData("no_meta.dcm", "not a DICOM file")]
    public void Broken_or_unsupported_files_fail_with_their_path_and_reason(string name, string reason)
    {
        var error = Assert.Throws<ImageLoadException>(() => DicomImage.Read(File(name)));

        Assert.Equal(File(name), error.FilePath);
        Assert.StartsWith(File(name) + ": ", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Undefined_length_un_sequences_are_skipped()
    {
        // UN_sequence.dcm holds an undefined-length UN element (a sequence in implicit VR). Its
        // transfer syntax (JPEG Lossless) is patched to Explicit VR Little Endian, NUL-padded to
        // the same length, so the parser has to walk the whole data set; it has no pixel data.
        var bytes = System.IO.File.ReadAllBytes(File("UN_sequence.dcm"));
        var uid = "1.2.840.10008.1.2.4.70"u8;
        var at = bytes.AsSpan().IndexOf(uid);
        "1.2.840.10008.1.2.1\0\0\0"u8.CopyTo(bytes.AsSpan(at));
        var path = Path.Combine(Path.GetTempPath(), $"un-sequence-{Guid.NewGuid():N}.dcm");
        System.IO.File.WriteAllBytes(path, bytes);
        try
        {
            var error = Assert.Throws<ImageLoadException>(() => DicomImage.Read(path));

            Assert.Contains("no Pixel Data", error.Message);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public void Resized_output_has_the_requested_size_and_range()
    {
        var small = DicomImage.Read(File("CT_small.dcm")).ToUnitRange(28, 28, ResizeFilter.Area);
        var large = DicomImage.Read(File("MR_small.dcm")).ToUnitRange(64, 64, ResizeFilter.Bilinear);

        Assert.Equal(28 * 28, small.Length);
        Assert.Equal(64 * 64, large.Length);
        Assert.All(small, v => Assert.InRange(v, 0f, 1f));
    }
}
