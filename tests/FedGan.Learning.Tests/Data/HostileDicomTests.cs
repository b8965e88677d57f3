using System.Diagnostics;
using FedGan.Learning.Data;
using FedGan.Learning.Data.Dicom;
using static FedGan.Learning.Tests.Data.CraftedDicom;

namespace FedGan.Learning.Tests.Data;

/// <summary>
/// Files crafted to exhaust a site (issue 18, "hostile files"): each must fail with the reader's
/// own <see cref="ImageLoadException"/>, quickly and without allocating for what it only declares,
/// and a folder holding them must still load its good images.
/// </summary>
public sealed class HostileDicomTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Allocation allowed for reading one hostile file (issue 18: under 200 MB each).</summary>
    private const long AllocationBound = 200L << 20;

    private const int GiB = 1024; // megabytes

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Each hostile file, what the reason must say, and the pixel cap it is read with.</summary>
    public static TheoryData<string, string, long> Hostile => new()
    {
        // Lossless JPEG frame headers of 65535² and 40000²: refused by the cap when the DICOM header
        // agrees, by the header check when it does not, and by the bytes present when the cap is raised.
        { "sof3-65535", "more than the 100,000,000 pixels accepted", ImageFolder.MaxPixels },
        { "sof3-65535-header-64", "frame header declares 65535x65535", ImageFolder.MaxPixels },
        { "sof3-40000", "more than the 100,000,000 pixels accepted", ImageFolder.MaxPixels },
        { "sof3-40000", "too few for the 1,600,000,000 samples", 2_000_000_000 },
        { "rle-10000", "PackBits decodes that to at most 128", ImageFolder.MaxPixels },
        { "deflate-1g-pixels", "declares 1,073,741,824 bytes, but 1 frame of 4,096 pixels", ImageFolder.MaxPixels },
        { "deflate-3g-element", "inflates to more than 33,554,432 bytes before its Pixel Data", ImageFolder.MaxPixels },
        { "deflate-1g-elements", "inflates to more than 33,554,432 bytes before its Pixel Data", ImageFolder.MaxPixels },
        { "sof0-20000", "more than the 100,000,000 pixels accepted", ImageFolder.MaxPixels },
        { "sof0-20000-header-64", "the JPEG frame is 20000x20000; the header says 64x64", ImageFolder.MaxPixels },
        { "sof0-20000", "too few for the 6,250,000 blocks", 500_000_000 },
        { "frames-2147483647", "2,147,483,647 frames of 4,096 pixels", ImageFolder.MaxPixels },
        { "frames-2147483647-rle", "Number of Frames (0028,0008) is 2,147,483,647", ImageFolder.MaxPixels },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_file_fails_fast_with_the_readers_error(string name, string reason, long maxPixels)
    {
        var path = _folder.Write(name, Build(name));

        var clock = Stopwatch.StartNew();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Record.Exception(() => DicomImage.Read(path, maxPixels));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        clock.Stop();

        output.WriteLine($"{name} (cap {maxPixels:N0} px): {clock.Elapsed.TotalMilliseconds:F0} ms, {allocated / 1e6:F1} MB allocated, file {new FileInfo(path).Length:N0} bytes: {error?.Message}");
        var loadError = Assert.IsType<ImageLoadException>(error);
        Assert.Equal(path, loadError.FilePath);
        Assert.Contains(reason, loadError.Reason);
        Assert.InRange(allocated, 0, AllocationBound);
        // Generous: the figure that matters (well under 1 s) is in the output; a loaded CI machine must not fail this.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("lossless-64")]
    [InlineData("baseline-64")]
    [InlineData("rle-64")]
    public void The_same_builders_make_valid_files_that_decode(string name)
    {
        // Control: the hostile files fail for what they declare, not because the builders are wrong.
        var image = DicomImage.Read(_folder.Write(name, Build(name)));

        Assert.Equal((64, 64), (image.Rows, image.Columns));
        // Baseline goes through BT.601 luminance, whose weights sum to 1 only to within rounding.
        Assert.All(image.StoredValues, v => Assert.Equal(name == "rle-64" ? 0.0 : 128.0, v, 9));
    }

    [Fact]
    public void A_consistent_deflated_gigabyte_of_frames_is_inflated_only_as_far_as_frame_one()
    {
        // 16384 frames of 256x256 8-bit: a 1 MB file that inflates to 1 GB, but a valid one.
        var path = _folder.Write("deflate-1g-frames", File(Deflated,
            DeflateBomb([.. ImageModule(256, 256, frames: 16384), .. LongHeader(DicomTag.PixelData, "OB", 1u << 30)], GiB)));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var image = DicomImage.Read(path);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"valid 1 GB deflated multi-frame: {allocated / 1e6:F1} MB allocated");
        Assert.Equal(16384, image.FrameCount);
        Assert.All(image.StoredValues, v => Assert.Equal(0.0, v));
        Assert.InRange(allocated, 0, AllocationBound);
    }

    [Fact]
    public void Folder_with_hostile_files_loads_the_good_ones_and_reports_each_hostile_one()
    {
        var good = new[]
        {
            _folder.Copy(DicomImageTests.File("CT_small.dcm"), "ct/ct.dcm"),
            _folder.Copy(DicomImageTests.File("MR_small.dcm"), "mr/mr.dcm"),
        };
        var hostile = Hostile.Select(row => row.Data.Item1).Distinct()
            .ToDictionary(name => _folder.Write($"mr/{name}.dcm", Build(name)), name => name);

        var clock = Stopwatch.StartNew();
        var (images, report) = DicomFolder.Load(_folder.Root, ImageLoadOptions.Square(28));
        output.WriteLine($"{good.Length} good + {hostile.Count} hostile files: {clock.Elapsed.TotalMilliseconds:F0} ms{Environment.NewLine}{report}");

        Assert.Equal(2, report.Loaded);
        Assert.Equal(["ct", "mr"], images.ClassNames);
        Assert.Equal(hostile.Keys.Order(), report.Failures.Select(f => f.Path).Order());
        Assert.All(report.Failures, f => Assert.False(string.IsNullOrWhiteSpace(f.Reason)));
    }

    [Fact]
    public void The_pixel_cap_is_the_load_options_own()
    {
        // CT_small is 128x128 = 16,384 pixels: over a cap of 10,000, under the default.
        var ct = _folder.Copy(DicomImageTests.File("CT_small.dcm"), "ct/ct.dcm");
        _folder.Copy(DicomImageTests.File("MR_small.dcm"), "mr/mr.dcm"); // 64x64 = 4,096

        var report = DicomFolder.Load(_folder.Root, new ImageLoadOptions { MaxPixels = 10_000 }).Report;

        Assert.Equal(1, report.Loaded);
        Assert.Equal(ct, Assert.Single(report.Failures).Path);
        Assert.Contains("more than the 10,000 pixels accepted", report.Failures[0].Reason);
        Assert.Throws<ArgumentException>(() => DicomFolder.Load(_folder.Root, new ImageLoadOptions { MaxPixels = 0 }));
    }

    [Fact]
    public void Strict_mode_names_the_hostile_file_with_the_readers_error()
    {
        _folder.Copy(DicomImageTests.File("MR_small.dcm"), "mr/a.dcm");
        var hostile = _folder.Write("mr/b.dcm", Build("sof3-65535-header-64"));

        var error = Assert.Throws<ImageLoadException>(() => DicomFolder.Load(_folder.Root, new ImageLoadOptions { Strict = true }));

        Assert.Equal(hostile, error.FilePath);
    }

    private static byte[] Build(string name) => name switch
    {
        "sof3-65535" => File(JpegLossless, ImageModule(65535, 65535), EncapsulatedPixels(LosslessJpeg(65535, 65535, 100))),
        "sof3-65535-header-64" => File(JpegLossless, ImageModule(64, 64), EncapsulatedPixels(LosslessJpeg(65535, 65535, 100))),
        "sof3-40000" => File(JpegLossless, ImageModule(40000, 40000), EncapsulatedPixels(LosslessJpeg(40000, 40000, 100))),
        "lossless-64" => File(JpegLossless, ImageModule(64, 64), EncapsulatedPixels(LosslessJpeg(64, 64, 64 * 64 / 8))),
        // 10000² is exactly the default cap, so only the segment table can refuse it (16-bit: 200 MB of output).
        "rle-10000" => File(Rle, ImageModule(10000, 10000, bitsAllocated: 16), EncapsulatedPixels(RleFrame(1, segments: 2))),
        "rle-64" => File(Rle, ImageModule(64, 64), EncapsulatedPixels(RleFrame(64 * 64 / 128))),
        "deflate-1g-pixels" => File(Deflated, DeflateBomb([.. ImageModule(64, 64), .. LongHeader(DicomTag.PixelData, "OB", 1u << 30)], GiB)),
        // A private element of 3 GB before the image: (0009,0010) reserves the block, (0009,1000) is in it.
        "deflate-3g-element" => File(Deflated, DeflateBomb(
            [.. PrivateCreator(), .. LongHeader(0x0009_1000, "OB", 3u << 30)], 3 * GiB)),
        "deflate-1g-elements" => File(Deflated, DeflateBombOfElements(GiB)),
        "sof0-20000" => File(JpegBaseline, ImageModule(20000, 20000), EncapsulatedPixels(BaselineJpeg(20000, 20000, 100))),
        "sof0-20000-header-64" => File(JpegBaseline, ImageModule(64, 64), EncapsulatedPixels(BaselineJpeg(20000, 20000, 100))),
        "baseline-64" => File(JpegBaseline, ImageModule(64, 64), EncapsulatedPixels(BaselineJpeg(64, 64, 16))),
        "frames-2147483647" => File(ExplicitLittle, ImageModule(64, 64, frames: int.MaxValue), NativePixels(new byte[64 * 64])),
        "frames-2147483647-rle" => File(Rle, ImageModule(64, 64, frames: int.MaxValue), EncapsulatedPixels(RleFrame(64 * 64 / 128))),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such crafted file."),
    };

    private static byte[] PrivateCreator()
    {
        using var buffer = new MemoryStream();
        new DicomElementWriter(buffer).Text(0x0009_0010, "LO", "FEDGAN TEST");
        return buffer.ToArray();
    }
}
