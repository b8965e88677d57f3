namespace FedGan.Learning.Data;

/// <summary>A data file that could not be read: names the file and says why.</summary>
public sealed class ImageLoadException(string path, string reason, Exception? inner = null)
    : Exception($"{path}: {reason}", inner)
{
    public string FilePath { get; } = path;
    public string Reason { get; } = reason;
}
