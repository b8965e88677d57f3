using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FedGan.ModelRegistry.Tests;

public class OpenApiTests(RegistryStack stack)
{
    [Fact]
    public async Task The_document_describes_the_upload_as_raw_bytes_and_every_registry_route()
    {
        var document = (await stack.Service.Coordinator().Http.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var paths = document["paths"]!.AsObject();

        Assert.Equal(
            ["/studies/{studyId}/evaluations", "/studies/{studyId}/versions", "/studies/{studyId}/versions/latest", "/studies/{studyId}/versions/{version}",
             "/studies/{studyId}/versions/{version}/evaluations", "/studies/{studyId}/versions/{version}/weights", "/studies/{studyId}/weights"],
            paths.Select(p => p.Key).Where(p => p.StartsWith("/studies", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.NotNull(paths["/studies/{studyId}/weights"]!["post"]!["requestBody"]!["content"]!["application/octet-stream"]);
    }
}
