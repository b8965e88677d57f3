namespace FedGan.Learning.Data;

public enum ResizeFilter
{
    /// <summary>Each output pixel is the area-weighted mean of the input pixels it covers (best for shrinking).</summary>
    Area,

    /// <summary>Linear interpolation between the four nearest input pixel centres (half-pixel aligned).</summary>
    Bilinear,
}

/// <summary>How loaders turn files into <see cref="LabeledImages"/>: output size, filter, and whether one bad file stops the load.</summary>
public sealed record ImageLoadOptions
{
    public static ImageLoadOptions Default { get; } = new();

    public int Height { get; init; } = 28;
    public int Width { get; init; } = 28;
    public ResizeFilter Filter { get; init; } = ResizeFilter.Area;

    /// <summary>When true, the first unreadable file throws <see cref="ImageLoadException"/>; otherwise it is listed in the <see cref="LoadReport"/>.</summary>
    public bool Strict { get; init; }

    /// <summary>
    /// Largest image (one frame) accepted, in pixels; a file declaring more is refused before anything
    /// is allocated for its pixels, so a damaged or hostile header cannot take the site's memory.
    /// </summary>
    public long MaxPixels { get; init; } = ImageFolder.MaxPixels;

    /// <summary>A square output of <paramref name="size"/> pixels (28 or 64 are the usual choices).</summary>
    public static ImageLoadOptions Square(int size) => new() { Height = size, Width = size };

    internal void Validate()
    {
        if (Height <= 0 || Width <= 0 || Height > 4096 || Width > 4096)
            throw new ArgumentException($"Output size {Height}x{Width} must be between 1 and 4096 on each side.");
        if (!Enum.IsDefined(Filter))
            throw new ArgumentException($"Unknown resize filter {Filter}.");
        // One frame's values are held in one array.
        if (MaxPixels <= 0 || MaxPixels > Array.MaxLength)
            throw new ArgumentException($"The pixel cap {MaxPixels} must be between 1 and {Array.MaxLength}.");
    }
}

/// <summary>A file a loader skipped, with why.</summary>
public sealed record LoadFailure(string Path, string Reason);

/// <summary>What a folder load did: how many images it read and which files it could not.</summary>
public sealed record LoadReport(int Loaded, IReadOnlyList<LoadFailure> Failures)
{
    public bool HasFailures => Failures.Count > 0;

    public override string ToString() =>
        Failures.Count == 0
            ? $"{Loaded} images loaded."
            : $"{Loaded} images loaded, {Failures.Count} files skipped:{Environment.NewLine}" +
              string.Join(Environment.NewLine, Failures.Select(f => $"  {f.Path}: {f.Reason}"));
}

/// <summary>Images a loader produced, and its report of files it skipped.</summary>
public sealed record LoadResult(LabeledImages Images, LoadReport Report);
