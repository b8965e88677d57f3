using System.Diagnostics;
using System.Security.Cryptography;
using FedGan.Learning.Data;
using FedGan.Learning.Data.Dicom;
using FedGan.Learning.Data.Npz;
using FedGan.Learning.Sampling;
using FedGan.Learning.Tests.Data;

namespace FedGan.Learning.Tests.Sampling;

/// <summary>Exports of drawn images, read back by the project's own readers and by pydicom (Debian's python3-pydicom).</summary>
public sealed class SyntheticExportTests : IDisposable
{
    private const string WeightsSha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    // Two 4x4 images, classes 3 and 7, their grey levels chosen here.
    private static readonly SyntheticBatch Batch = new([3, 7], [.. Enumerable.Range(0, 32).Select(i => (byte)(i * 8))]);

    private static readonly SyntheticOrigin Origin = new("chest-study", 5, WeightsSha256, Seed: 42, "fedgan test", new DateTimeOffset(2026, 12, 7, 10, 30, 0, TimeSpan.Zero));

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_dicom_export_parses_with_the_projects_reader()
    {
        var files = Export(SyntheticFormat.Dicom);

        var first = _folder.PathOf("images/3/000001.dcm");
        var image = DicomImage.Read(first);
        Assert.Equal((4, 4), (image.Rows, image.Columns));
        Assert.Equal(Batch.GreyLevels[..16].Select(b => (double)b), image.StoredValues);
        Assert.Equal(Batch.GreyLevels[16..].Select(b => (double)b), DicomImage.Read(_folder.PathOf("images/7/000002.dcm")).StoredValues);

        Assert.Contains(files, f => f.Path == "grid.png");
    }

    [Fact]
    public void Pydicom_reads_the_synthetic_marker_no_patient_the_model_and_the_class_as_a_coded_finding()
    {
        Export(SyntheticFormat.Dicom);

        var output = Python("""
            import sys, pydicom
            ds = pydicom.dcmread(sys.argv[1])
            item = ds.AcquisitionContextSequence[0]
            print(ds.SOPClassUID, ds.ConversionType, repr(str(ds.PatientName)), repr(ds.PatientID), ds.Rows, ds.Columns, len(ds.PixelData))
            print(item.ConceptNameCodeSequence[0].CodeValue, item.ConceptNameCodeSequence[0].CodingSchemeDesignator)
            print(item.ConceptCodeSequence[0].CodeValue, item.ConceptCodeSequence[0].CodingSchemeDesignator)
            print(ds.file_meta.TransferSyntaxUID, ds.SOPInstanceUID == ds.file_meta.MediaStorageSOPInstanceUID)
            print(ds.PatientIdentityRemoved, all(tag in ds and ds[tag].value in ('', None) for tag in (0x00100010, 0x00100020, 0x00100030, 0x00100040)))
            print(ds.ImageComments)
            """, _folder.PathOf("images/7/000002.dcm"));

        Assert.Equal(
            [
                "1.2.840.10008.5.1.4.1.1.7 SYN '' '' 4 4 16",
                "121071 DCM",
                "7 99FEDGAN",
                "1.2.840.10008.1.2.1 True",
                "YES True",
                $"Synthetic image drawn from FedGan study chest-study version 5 (weights SHA-256 {WeightsSha256}); class 7 (class 7); no patient.",
            ],
            output);
    }

    [Fact]
    public void An_npz_export_reads_back_with_the_medmnist_reader_and_has_numpy_headers()
    {
        Export(SyntheticFormat.Npz);
        var path = _folder.PathOf(SyntheticExport.ArchiveFile);

        var images = MedMnistArchive.Load(path, "train", ImageLoadOptions.Square(4));
        Assert.Equal([3, 7], images.Labels);
        Assert.Equal(Batch.GreyLevels.Select(b => b / 255f), images.Pixels);

        var headers = Python("""
            import sys, zipfile, ast
            with zipfile.ZipFile(sys.argv[1]) as z:
                for name in sorted(z.namelist()):
                    raw = z.read(name)
                    length = int.from_bytes(raw[8:10], 'little')
                    header = ast.literal_eval(raw[10:10 + length].decode('latin1'))
                    print(name, header['descr'], header['shape'], (10 + length) % 64, len(raw) - 10 - length)
            """, path);
        Assert.Equal(["train_images.npy |u1 (2, 4, 4) 0 32", "train_labels.npy |u1 (2, 1) 0 2"], headers);
    }

    [Fact]
    public void A_png_export_lists_every_file_with_the_sha256_of_its_bytes()
    {
        var files = Export(SyntheticFormat.Png);

        Assert.Equal(["grid.png", "images/3/000001.png", "images/7/000002.png"], files.Select(f => f.Path).Order());
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(_folder.PathOf(file.Path));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), file.Sha256);
            Assert.Equal(bytes.Length, file.SizeBytes);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        }
    }

    private IReadOnlyList<ExportedFile> Export(SyntheticFormat format)
    {
        var export = new SyntheticExport(_folder.Root, format, Origin, imageSize: 4, label => $"class {label}");
        export.Add(Batch);
        return export.Complete();
    }

    private static string[] Python(string script, string argument)
    {
        var start = new ProcessStartInfo("/usr/bin/python3", ["-c", script, argument]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"python3 failed: {errors}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
