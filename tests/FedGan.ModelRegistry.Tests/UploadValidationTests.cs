using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using FedGan.Tensors;

namespace FedGan.ModelRegistry.Tests;

/// <summary>Uploads as the aggregator makes them (coordinators' uploads of version 0 go through the same checks).</summary>
public class UploadValidationTests(RegistryStack stack)
{
    private readonly RegistryClient _registry = stack.Service.Aggregator();

    /// <summary>A safetensors file written by hand: 8-byte little-endian header length, the JSON, then the data.</summary>
    private static byte[] HandMade(string json, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(json);
        return [.. BitConverter.GetBytes((ulong)header.Length), .. header, .. data];
    }

    private async Task<string> RefusedAsync(byte[] file, string code = "weights_malformed", HttpStatusCode status = HttpStatusCode.BadRequest) =>
        await RegistryClient.ExpectProblemAsync(await _registry.UploadAsync(RegistryClient.NewStudy(), file), status, code);

    [Fact]
    public async Task A_hand_written_file_is_accepted_and_hashed_over_all_its_bytes()
    {
        // Two F32 values, 1.0 and -2.0, little-endian.
        var file = HandMade("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0]);
        var response = await _registry.UploadAsync(RegistryClient.NewStudy(), file);

        await RegistryClient.ExpectAsync(response, HttpStatusCode.OK);
        var result = await RegistryClient.BodyAsync(response);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), (string)result["sha256"]!);
        Assert.Equal(2, (long)result["parameters"]!);
    }

    [Fact]
    public async Task Malformed_files_are_refused_with_a_message_naming_the_problem()
    {
        Assert.Contains("not valid UTF-8 JSON", await RefusedAsync(HandMade("""{"w":{"dtype":"F32",}""", new byte[8])));
        Assert.Contains("shorter than the 8-byte header length", await RefusedAsync([1, 0, 0]));
        Assert.Contains("at most 1048576 are accepted", await RefusedAsync([.. BitConverter.GetBytes(1UL << 40), .. new byte[16]]));
        Assert.Contains("holds no tensors", await RefusedAsync(HandMade("""{"__metadata__":{"format":"pt"}}""", [])));
        Assert.Contains("'w' is F16; the registry stores F32 weights only",
            await RefusedAsync(HandMade("""{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}""", new byte[4])));
        Assert.Contains("shape [3] of F32 needs 12 bytes",
            await RefusedAsync(HandMade("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", new byte[8])));
        // Content-Length tells the registry at once that the body is not the file the header describes.
        var whole = HandMade("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", new byte[8]);
        Assert.Contains($"the request is {whole.Length - 4} bytes long but the header describes a file of {whole.Length} bytes",
            await RefusedAsync(whole[..^4]));
    }

    [Fact]
    public async Task A_streamed_body_shorter_or_longer_than_its_header_says_is_refused()
    {
        var file = HandMade("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", new byte[16]);

        // No Content-Length (chunked): the registry only finds out by reading.
        var truncated = await RegistryClient.ExpectProblemAsync(
            await _registry.UploadChunkedAsync(RegistryClient.NewStudy(), file[..^6]),
            HttpStatusCode.BadRequest, "weights_malformed");
        Assert.Contains("ends after 10 of the 16 data bytes", truncated);

        var padded = await RegistryClient.ExpectProblemAsync(
            await _registry.UploadChunkedAsync(RegistryClient.NewStudy(), [.. file, 0]),
            HttpStatusCode.BadRequest, "weights_malformed");
        Assert.Contains($"bytes follow the end of the file at {file.Length} bytes", padded);
    }

    [Fact]
    public async Task Non_finite_values_are_refused_with_the_tensor_and_element()
    {
        var values = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();
        values[5] = float.NaN;
        var file = Safetensors.Serialize([new NamedTensor("a.bias", [3], [1, 2, 3]), new NamedTensor("b.weight", [3, 4], values)]);

        var detail = await RefusedAsync(file, "weights_not_finite");

        Assert.Contains("Tensor 'b.weight' holds a non-finite value (NaN or infinity) at element 5", detail);
    }

    [Fact]
    public async Task Uploads_of_the_wrong_media_type_are_refused()
    {
        var content = new ByteArrayContent(TestModels.Weights(0.5f));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        await RegistryClient.ExpectProblemAsync(await _registry.UploadAsync(RegistryClient.NewStudy(), content),
            HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task The_same_bytes_uploaded_twice_are_stored_once_and_no_staging_blob_is_left()
    {
        var study = RegistryClient.NewStudy();
        var bytes = TestModels.Weights(0.5f);

        var hashes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _registry.UploadOkAsync(study, bytes)));
        hashes = [.. hashes, await _registry.UploadOkAsync(study, bytes)];

        Assert.Single(hashes.Distinct());
        var container = new BlobServiceClient(stack.Azurite.ConnectionString).GetBlobContainerClient("modelregistry");
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = "" }))
        {
            if (blob.Name.Contains(study, StringComparison.Ordinal))
            {
                names.Add(blob.Name);
            }
        }

        Assert.Equal([$"weights/{study}/{hashes[0]}.safetensors"], names);
    }

    [Fact]
    public async Task Files_over_the_size_limit_are_refused_with_413()
    {
        await using var small = stack.NewReplica(settings: new Dictionary<string, string> { ["ModelRegistry:MaxWeightsBytes"] = "4096" });
        var client = small.Aggregator();
        var tensors = new[] { new NamedTensor("w", [1024], new float[1024]) };
        var file = Safetensors.Serialize(tensors);

        // Refused from Content-Length before a byte is read, and from the header when the length is not sent.
        var detail = await RegistryClient.ExpectProblemAsync(await client.UploadAsync(RegistryClient.NewStudy(), file),
            HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Contains($"is {file.Length} bytes; this registry accepts at most 4096", detail);
        await RegistryClient.ExpectProblemAsync(
            await client.UploadChunkedAsync(RegistryClient.NewStudy(), file),
            HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        var fits = Safetensors.Serialize([new NamedTensor("w", [1000], new float[1000])]);
        await RegistryClient.ExpectAsync(await client.UploadAsync(RegistryClient.NewStudy(), fits), HttpStatusCode.OK);
    }
}
