namespace FedGan.Learning.Data;

/// <summary>
/// Shared by the folder loaders: decodes (file, class) pairs one by one, keeps the images that
/// decode and records the files that do not, or stops at the first failure in strict mode.
/// </summary>
internal static class LabeledFileCollector
{
    public static LoadResult Collect(
        string source,
        IReadOnlyList<(string Path, string ClassName)> files,
        IReadOnlyList<LoadFailure> earlierFailures,
        ImageLoadOptions options,
        Func<string, float[]> decode)
    {
        var failures = new List<LoadFailure>(earlierFailures);
        if (options.Strict && failures.Count > 0)
            throw new ImageLoadException(failures[0].Path, failures[0].Reason);

        var classNames = OrderClasses(files.Select(f => f.ClassName).Distinct());
        var classIndex = classNames.Select((name, index) => (name, index)).ToDictionary(p => p.name, p => p.index, StringComparer.Ordinal);
        var pixels = new List<float[]>();
        var labels = new List<int>();
        foreach (var (path, className) in files)
        {
            float[] image;
            try
            {
                image = Decode(decode, path);
            }
            catch (ImageLoadException e) when (!options.Strict)
            {
                failures.Add(new LoadFailure(e.FilePath, e.Reason));
                continue;
            }
            pixels.Add(image);
            labels.Add(classIndex[className]);
        }

        if (pixels.Count == 0)
        {
            var why = failures.Count == 0 ? "it holds no image files" : $"none of its {failures.Count} files could be read, e.g. {failures[0].Path}: {failures[0].Reason}";
            throw new ImageLoadException(source, $"no images loaded: {why}.");
        }
        var images = new LabeledImages([.. pixels.SelectMany(p => p)], [.. labels], options.Height, options.Width, classNames);
        return new LoadResult(images, new LoadReport(pixels.Count, failures));
    }

    /// <summary>One file's image; whatever its reader throws (cancellation aside) is that file's <see cref="ImageLoadException"/>.</summary>
    private static float[] Decode(Func<string, float[]> decode, string path)
    {
        try
        {
            return decode(path);
        }
        catch (Exception e) when (ImageLoadException.IsForeign(e))
        {
            throw ImageLoadException.Unexpected(path, e);
        }
    }

    /// <summary>Class names in ordinal order, or numeric order when every name is an integer ("2" before "10").</summary>
    public static IReadOnlyList<string> OrderClasses(IEnumerable<string> names)
    {
        var distinct = names.ToArray();
        return distinct.All(n => long.TryParse(n, out _))
            ? [.. distinct.OrderBy(n => long.Parse(n, System.Globalization.CultureInfo.InvariantCulture))]
            : [.. distinct.Order(StringComparer.Ordinal)];
    }

    /// <summary>Files under each immediate sub-folder of <paramref name="root"/>, labelled by that sub-folder's name.</summary>
    public static (List<(string Path, string ClassName)> Files, List<LoadFailure> Stray) ByClassFolder(string root, Func<string, bool> include)
    {
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"Image folder '{root}' does not exist.");
        var files = new List<(string, string)>();
        foreach (var classFolder in Directory.GetDirectories(root).Where(d => !IsHidden(d)).Order(StringComparer.Ordinal))
        {
            var className = Path.GetFileName(classFolder);
            foreach (var file in Directory.EnumerateFiles(classFolder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                if (!IsHidden(file) && !Path.GetRelativePath(classFolder, file).Split(Path.DirectorySeparatorChar).Any(IsHiddenName) && include(file))
                    files.Add((file, className));
            }
        }
        // An image directly under the root has no class: report it rather than drop it silently.
        var stray = Directory.GetFiles(root).Where(f => !IsHidden(f) && include(f)).Order(StringComparer.Ordinal)
            .Select(f => new LoadFailure(f, "not inside a class sub-folder, so it has no label.")).ToList();
        return (files, stray);
    }

    private static bool IsHidden(string path) => IsHiddenName(Path.GetFileName(path));

    private static bool IsHiddenName(string name) => name.StartsWith('.');
}
