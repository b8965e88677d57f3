using System.Net;
using System.Security.Cryptography;
using FedGan.Contracts.Models;

namespace FedGan.ModelRegistry.Tests;

/// <summary>Runs alone: the allocation counter it reads is process-wide, so other tests must not run meanwhile.</summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class AllocationMeasurements;

[Collection(typeof(AllocationMeasurements))]
public class LargeUploadTests(RegistryStack stack)
{
    // 16 Mi values: 64 MiB of data, over twice Kestrel's default 30 MB request limit.
    private const int Values = 16 * 1024 * 1024;
    private const string TensorName = "generator.big.weight";

    // Streaming allocates at most one 4 MiB staging block (pooled, so usually not even that) plus
    // framework buffers of tens of KiB; about 1 MB per transfer was measured. Buffering the file
    // anywhere in managed memory would allocate at least its 64 MiB (a growing MemoryStream about
    // twice that), and the factory's default redirect-following client was measured at 148 MB.
    // Two blocks' worth (8 MiB) is far below any buffering and well above what streaming needs.
    private const long AllocationBound = 8L * 1024 * 1024;

    [Fact]
    public async Task A_64_MiB_file_streams_up_and_down_through_the_service_without_being_buffered()
    {
        // A coordinator uploads a (large) initial model; an enrolled edge trainer downloads it.
        var registry = stack.Service.Coordinator();
        var site = stack.Service.Site("hospital-1");
        await WarmUpAsync(registry, site);
        var study = RegistryClient.NewStudy();
        await stack.EnrollAsync(study, "hospital-1");

        var content = new GeneratedWeightsContent(TensorName, Values);
        var beforeUpload = GC.GetTotalAllocatedBytes(precise: true);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var response = await registry.UploadAsync(study, content);
        var uploadTime = clock.Elapsed;
        var uploadAllocated = GC.GetTotalAllocatedBytes(precise: true) - beforeUpload;

        await RegistryClient.ExpectAsync(response, HttpStatusCode.OK);
        var result = await RegistryClient.BodyAsync(response);
        Assert.Equal(content.Sha256, (string)result["sha256"]!);
        Assert.Equal(content.FileLength, (long)result["size_bytes"]!);
        Assert.Equal(Values, (long)result["parameters"]!);

        await registry.PublishOkAsync(study, 0, new PublishVersionRequest(content.Sha256!, null, null,
            new ModelDescription(new ModelArchitecture(), [new ModelTensor(TensorName, [Values])], 1), null, null, null, null));
        var beforeDownload = GC.GetTotalAllocatedBytes(precise: true);
        clock.Restart();
        var (downloadedSha, downloadedBytes) = await DownloadAsync(site.Http, $"/studies/{study}/versions/0/weights");
        var downloadTime = clock.Elapsed;
        var downloadAllocated = GC.GetTotalAllocatedBytes(precise: true) - beforeDownload;

        Assert.Equal(content.Sha256, downloadedSha);
        Assert.Equal(content.FileLength, downloadedBytes);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{content.FileLength} bytes: upload allocated {uploadAllocated} bytes in {uploadTime.TotalSeconds:F2} s, " +
            $"download {downloadAllocated} bytes in {downloadTime.TotalSeconds:F2} s (whole process)");
        Assert.InRange(uploadAllocated, 0, AllocationBound);
        Assert.InRange(downloadAllocated, 0, AllocationBound);
    }

    /// <summary>
    /// The first upload, publication and download (with its enrollment check) pay one-off costs (JIT,
    /// connection pools) that are not per-byte.
    /// </summary>
    private async Task WarmUpAsync(RegistryClient registry, RegistryClient site)
    {
        var study = RegistryClient.NewStudy();
        await stack.EnrollAsync(study, "hospital-1");
        await registry.PublishOkAsync(study, 0, TestModels.Initial(await registry.UploadOkAsync(study, TestModels.Weights(0.5f))));
        await DownloadAsync(site.Http, $"/studies/{study}/versions/0/weights");
    }

    /// <summary>Reads the body as it arrives, hashing it through one reused buffer.</summary>
    private static async Task<(string Sha256, long Bytes)> DownloadAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        await RegistryClient.ExpectAsync(response, HttpStatusCode.OK);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), total);
    }
}
