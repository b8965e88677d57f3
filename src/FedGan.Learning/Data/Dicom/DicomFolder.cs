namespace FedGan.Learning.Data.Dicom;

/// <summary>
/// DICOM images labelled by class sub-folder (root/Nodule/series1/img0001) or by a CSV manifest
/// of "file,label" lines, decoded, mapped to [0,1] as <see cref="DicomImage.ToUnitRange()"/> says
/// and resized. Unreadable files are listed in the report (or stop the load in strict mode).
/// </summary>
public static class DicomFolder
{
    // Files that sit next to DICOM images but are not images; everything else is tried, since
    // DICOM files often have no extension at all.
    private static readonly HashSet<string> NotDicom = new(StringComparer.OrdinalIgnoreCase)
    {
        ".txt", ".csv", ".json", ".md", ".xml", ".png", ".jpg", ".jpeg", ".zip", ".gz",
    };

    public static LoadResult Load(string root, ImageLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        options ??= ImageLoadOptions.Default;
        options.Validate();
        var (files, stray) = LabeledFileCollector.ByClassFolder(root, IsCandidate);
        return LabeledFileCollector.Collect(root, files, stray, options, path => ReadImage(path, options));
    }

    /// <summary>Loads the files a "file,label" CSV lists; relative paths are relative to the manifest's folder.</summary>
    public static LoadResult LoadWithManifest(string manifestPath, ImageLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(manifestPath);
        options ??= ImageLoadOptions.Default;
        options.Validate();
        var (files, problems) = LabelManifest.Read(manifestPath);
        return LabeledFileCollector.Collect(manifestPath, files, problems, options, path => ReadImage(path, options));
    }

    public static float[] ReadImage(string path, ImageLoadOptions options) =>
        DicomImage.Read(path, options.MaxPixels).ToUnitRange(options.Height, options.Width, options.Filter);

    private static bool IsCandidate(string path) =>
        !NotDicom.Contains(Path.GetExtension(path)) && !Path.GetFileName(path).Equals("DICOMDIR", StringComparison.OrdinalIgnoreCase);
}
