namespace FedGan.Learning.Data;

/// <summary>A data file that could not be read: names the file and says why.</summary>
public sealed class ImageLoadException(string path, string reason, Exception? inner = null)
    : Exception($"{path}: {reason}", inner)
{
    public string FilePath { get; } = path;
    public string Reason { get; } = reason;

    /// <summary>
    /// Whatever else a reader threw for one file (an overflow, an I/O or out-of-memory error a
    /// hostile file provoked): it belongs to that file, so it must not end a whole folder load.
    /// Cancellation is not a file's fault and passes through.
    /// </summary>
    internal static bool IsForeign(Exception e) => e is not (ImageLoadException or OperationCanceledException);

    internal static ImageLoadException Unexpected(string path, Exception e) =>
        new(path, $"the file could not be decoded ({e.GetType().Name}: {e.Message})", e);
}
