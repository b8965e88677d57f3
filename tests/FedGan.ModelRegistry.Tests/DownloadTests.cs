using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace FedGan.ModelRegistry.Tests;

/// <summary>Downloads as edge trainers make them: a site enrolled in the study fetches its weights.</summary>
public class DownloadTests(RegistryStack stack)
{
    private readonly RegistryClient _coordinator = stack.Service.Coordinator();
    private readonly RegistryClient _site = stack.Service.Site("hospital-1");

    private async Task<(string Study, byte[] Bytes, string Sha)> PublishInitialAsync()
    {
        var study = RegistryClient.NewStudy();
        await stack.EnrollAsync(study, "hospital-1", "hospital-2");
        var bytes = TestModels.Weights(0.25f);
        var sha = await _coordinator.UploadOkAsync(study, bytes);
        await _coordinator.PublishOkAsync(study, 0, TestModels.Initial(sha));
        return (study, bytes, sha);
    }

    [Fact]
    public async Task A_client_holding_the_current_weights_gets_304_without_a_body()
    {
        var (study, _, sha) = await PublishInitialAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, $"/studies/{study}/versions/0/weights");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{sha}\""));

        var response = await _site.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal($"\"{sha}\"", response.Headers.ETag!.ToString());

        var stale = new HttpRequestMessage(HttpMethod.Get, $"/studies/{study}/versions/0/weights");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{new string('0', 64)}\""));
        Assert.Equal(HttpStatusCode.OK, (await _site.Http.SendAsync(stale)).StatusCode);
    }

    [Theory]
    [InlineData(100, 199)]
    [InlineData(0, 0)]
    [InlineData(7, 8)]
    public async Task A_range_request_returns_exactly_those_bytes(int first, int last)
    {
        var (study, bytes, _) = await PublishInitialAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, $"/studies/{study}/versions/0/weights");
        request.Headers.Range = new RangeHeaderValue(first, last);

        var response = await _site.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(bytes[first..(last + 1)], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes {first}-{last}/{bytes.Length}", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal(last - first + 1, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task An_interrupted_download_resumes_from_its_last_byte_and_the_pieces_hash_to_the_etag()
    {
        var (study, bytes, sha) = await PublishInitialAsync();
        var head = new HttpRequestMessage(HttpMethod.Get, $"/studies/{study}/versions/0/weights");
        head.Headers.Range = new RangeHeaderValue(0, 40);
        var firstPart = await (await _site.Http.SendAsync(head)).Content.ReadAsByteArrayAsync();

        var resume = new HttpRequestMessage(HttpMethod.Get, $"/studies/{study}/versions/0/weights");
        resume.Headers.Range = new RangeHeaderValue(firstPart.Length, null);
        resume.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue($"\"{sha}\""));
        var response = await _site.Http.SendAsync(resume);
        var rest = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(bytes.Length, firstPart.Length + rest.Length);
        Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData([.. firstPart, .. rest])));
    }

    [Fact]
    public async Task A_range_past_the_end_is_refused_with_416()
    {
        var (study, bytes, _) = await PublishInitialAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, $"/studies/{study}/versions/0/weights");
        request.Headers.Range = new RangeHeaderValue(bytes.Length, null);

        var response = await _site.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal($"bytes */{bytes.Length}", response.Content.Headers.ContentRange!.ToString());
    }
}
