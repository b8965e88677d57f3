namespace FedGan.Aggregation;

/// <summary>
/// A safetensors file the aggregation reads once, front to back: a staged update in blob storage,
/// the base weights from the registry, an optimizer state, or a local file. Each open is a new read.
/// </summary>
public interface ITensorFileSource
{
    /// <summary>What the file is, for error messages ("the update of site 'a'").</summary>
    string Description { get; }

    Task<Stream> OpenReadAsync(CancellationToken cancellationToken);
}

/// <summary>A file on local disk, read sequentially without a second buffer in front of the reader's own.</summary>
public sealed class LocalTensorFile(string path, string? description = null) : ITensorFileSource
{
    public string Path { get; } = path;

    public string Description { get; } = description ?? $"file '{path}'";

    public Task<Stream> OpenReadAsync(CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0,
            FileOptions.Asynchronous | FileOptions.SequentialScan));
}

/// <summary>One site's accepted update: where to read it, its sample count, and the hash it was accepted with.</summary>
public sealed record WeightedUpdate(string SiteId, long NumSamples, string Sha256, ITensorFileSource Source);
