using System.Text;
using FedGan.Learning.Data;
using FedGan.Learning.Data.Dicom;
using static FedGan.Learning.Tests.Data.DicomImageTests;

namespace FedGan.Learning.Tests.Data;

public sealed class DicomFolderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Labels_come_from_sub_folders_and_bad_files_are_reported_not_fatal()
    {
        _folder.Copy(File("CT_small.dcm"), "ct/a.dcm");
        _folder.Copy(File("MR_small.dcm"), "mr/b.dcm");
        _folder.Copy(File("MR_small_RLE.dcm"), "mr/series-2/IM0001"); // nested, no extension
        var truncated = _folder.Copy(File("MR_truncated.dcm"), "mr/broken.dcm");
        _folder.Write("mr/notes.txt", "not an image"u8.ToArray());
        var stray = _folder.Copy(File("MR_small.dcm"), "unlabelled.dcm");

        var (images, report) = DicomFolder.Load(_folder.Root, ImageLoadOptions.Square(28));

        Assert.Equal(["ct", "mr"], images.ClassNames);
        Assert.Equal(3, images.Count);
        Assert.Equal([1, 1, 0], images.Labels.Order().Reverse());
        Assert.Equal((28, 28), (images.Height, images.Width));
        Assert.Equal(3, report.Loaded);
        Assert.Equal(new[] { stray, truncated }.Order(), report.Failures.Select(f => f.Path).Order());
        Assert.Contains("Pixel Data", report.Failures.Single(f => f.Path == truncated).Reason);
        Assert.Contains(truncated, report.ToString());
    }

    [Fact]
    public void Strict_mode_stops_at_the_bad_file_and_names_it()
    {
        _folder.Copy(File("MR_small.dcm"), "mr/b.dcm");
        var truncated = _folder.Copy(File("MR_truncated.dcm"), "mr/c.dcm");

        var error = Assert.Throws<ImageLoadException>(() => DicomFolder.Load(_folder.Root, new ImageLoadOptions { Strict = true }));

        Assert.Equal(truncated, error.FilePath);
    }

    [Fact]
    public void Same_image_in_any_encoding_loads_to_the_same_pixels()
    {
        _folder.Copy(File("MR_small.dcm"), "mr/explicit.dcm");
        _folder.Copy(File("MR_small_implicit.dcm"), "mr/implicit.dcm");
        _folder.Copy(File("MR_small_bigendian.dcm"), "mr/bigendian.dcm");
        _folder.Copy(File("MR_small_RLE.dcm"), "mr/rle.dcm");

        var images = DicomFolder.Load(_folder.Root, ImageLoadOptions.Square(64)).Images;

        for (var i = 1; i < 4; i++)
            Assert.Equal(images.Image(0).ToArray(), images.Image(i).ToArray());
    }

    [Fact]
    public void Manifest_assigns_labels_and_reports_bad_lines_and_missing_files()
    {
        _folder.Copy(File("CT_small.dcm"), "scans/ct one.dcm");
        _folder.Copy(File("MR_small.dcm"), "scans/mr.dcm");
        var manifest = _folder.Write("labels.csv", Encoding.UTF8.GetBytes(
            "file,label\n" +
            "\"scans/ct one.dcm\",10\n" +
            "scans/mr.dcm,2\n" +
            "scans/missing.dcm,2\n" +
            "just-one-field\n"));

        var (images, report) = DicomFolder.LoadWithManifest(manifest);

        Assert.Equal(["2", "10"], images.ClassNames); // integer labels in numeric order
        Assert.Equal([1, 0], images.Labels);
        Assert.Equal(2, report.Failures.Count);
        Assert.Contains(report.Failures, f => f.Path == _folder.PathOf("scans/missing.dcm"));
        Assert.Contains(report.Failures, f => f.Path == $"{manifest} line 5" && f.Reason.Contains("'file,label'"));
    }

    [Fact]
    public void Monochrome1_is_inverted()
    {
        // MR_small with its Photometric Interpretation changed to MONOCHROME1 (same length).
        var bytes = System.IO.File.ReadAllBytes(File("MR_small.dcm"));
        var at = bytes.AsSpan().IndexOf("MONOCHROME2"u8);
        "MONOCHROME1"u8.CopyTo(bytes.AsSpan(at));
        var inverted = _folder.Write("mono1.dcm", bytes);

        var original = DicomImage.Read(File("MR_small.dcm")).ToUnitRange();
        var flipped = DicomImage.Read(inverted).ToUnitRange();

        for (var i = 0; i < original.Length; i++)
            Assert.Equal(1f - original[i], flipped[i], 6);
    }

    [Fact]
    public void Folder_without_images_is_an_error_naming_it()
    {
        _folder.Copy(File("rtplan.dcm"), "plans/rtplan.dcm");

        var error = Assert.Throws<ImageLoadException>(() => DicomFolder.Load(_folder.Root));

        Assert.Equal(_folder.Root, error.FilePath);
        Assert.Contains("no Pixel Data", error.Message);
    }
}
