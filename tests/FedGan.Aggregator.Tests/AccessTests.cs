using System.Net;
using System.Net.Http.Json;
using FedGan.Contracts;
using FedGan.Contracts.Studies;
using FedGan.Contracts.Updates;
using Microsoft.IdentityModel.JsonWebTokens;

namespace FedGan.Aggregator.Tests;

/// <summary>
/// Who may do what on the aggregator: the real service's token check, role policies and own-site
/// rule, and the token it carries itself to the registry.
/// </summary>
public class AccessTests(Stack stack)
{
    private readonly AggregatorClient _client = stack.AggregatorClient();

    private static string UpdatePath(TestModel model, string site) => $"/studies/{model.Study}/rounds/1/updates/{site}";

    private static ByteArrayContent Octets(byte[] file) =>
        new(file) { Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream") } };

    private async Task<TestModel> OpenRoundAsync()
    {
        var model = await TestModel.PublishAsync(stack);
        await model.RegisterAsync(stack, 1, ["site-a", "site-b"]);
        return model;
    }

    [Fact]
    public async Task Without_a_token_uploads_registrations_aggregations_and_reads_are_401()
    {
        var model = await OpenRoundAsync();
        var file = model.UpdateFile(model.Update(1), 10);

        HttpResponseMessage[] responses =
        [
            await _client.SendAsync(HttpMethod.Put, UpdatePath(model, "site-a"), token: null, Octets(file)),
            await _client.SendAsync(HttpMethod.Put, $"/studies/{model.Study}/rounds/2", token: null,
                JsonContent.Create(model.Registration(["site-a"], stack.Clock.GetUtcNow().AddDays(1), baseVersion: 1), options: ContractJson.Options)),
            await _client.SendAsync(HttpMethod.Post, $"/studies/{model.Study}/rounds/1/aggregation", token: null,
                JsonContent.Create(new AggregationRequest(null), options: ContractJson.Options)),
            await _client.SendAsync(HttpMethod.Get, $"/studies/{model.Study}/rounds/1/updates", token: null),
        ];

        foreach (var response in responses)
        {
            await AggregatorClient.ExpectProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        }

        Assert.Empty(await _client.ReceiptsAsync(model.Study, 1));
    }

    [Fact]
    public async Task A_site_uploads_and_reads_only_its_own_update()
    {
        var model = await OpenRoundAsync();
        var siteA = stack.Tokens.Site("site-a");

        var forged = await _client.SendAsync(HttpMethod.Put, UpdatePath(model, "site-b"), siteA, Octets(model.UpdateFile(model.Update(2), 10)));
        var own = await _client.SendAsync(HttpMethod.Put, UpdatePath(model, "site-a"), siteA, Octets(model.UpdateFile(model.Update(1), 10)));

        Assert.Contains("only act as itself", await AggregatorClient.ExpectProblemAsync(forged, HttpStatusCode.Forbidden, "forbidden"));
        await AggregatorClient.ExpectAsync(own, HttpStatusCode.Created);
        Assert.Equal(["site-a"], (await _client.ReceiptsAsync(model.Study, 1)).Select(r => r.SiteId));
        var receipt = await _client.SendAsync(HttpMethod.Get, UpdatePath(model, "site-a"), siteA);
        await AggregatorClient.ExpectAsync(receipt, HttpStatusCode.OK);
        Assert.Equal("site-a", (await receipt.Content.ReadFromJsonAsync<UpdateReceipt>(ContractJson.Options))!.SiteId);
        await AggregatorClient.ExpectProblemAsync(await _client.SendAsync(HttpMethod.Get, UpdatePath(model, "site-b"), siteA),
            HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_site_can_neither_register_a_round_nor_trigger_its_aggregation_nor_list_the_rounds_updates()
    {
        var model = await OpenRoundAsync();
        await _client.UploadOkAsync(model.Study, 1, "site-a", model.UpdateFile(model.Update(1), 10));
        var site = stack.Tokens.Site("site-a");

        var register = await _client.SendAsync(HttpMethod.Put, $"/studies/{model.Study}/rounds/2", site,
            JsonContent.Create(model.Registration(["site-a"], stack.Clock.GetUtcNow().AddDays(1), baseVersion: 1), options: ContractJson.Options));
        var aggregate = await _client.SendAsync(HttpMethod.Post, $"/studies/{model.Study}/rounds/1/aggregation", site,
            JsonContent.Create(new AggregationRequest(null), options: ContractJson.Options));
        var list = await _client.SendAsync(HttpMethod.Get, $"/studies/{model.Study}/rounds/1/updates", site);

        await AggregatorClient.ExpectProblemAsync(register, HttpStatusCode.Forbidden, "forbidden");
        await AggregatorClient.ExpectProblemAsync(aggregate, HttpStatusCode.Forbidden, "forbidden");
        await AggregatorClient.ExpectProblemAsync(list, HttpStatusCode.Forbidden, "forbidden");
        // Nothing happened: round 2 is unknown, and round 1 was not aggregated (version 1 does not exist).
        await AggregatorClient.ExpectProblemAsync(await _client.AggregateAsync(model.Study, 2), HttpStatusCode.NotFound, ErrorCodes.RoundNotFound);
        Assert.Equal(HttpStatusCode.NotFound, await stack.RegistryClient().VersionStatusAsync(model.Study, 1));
    }

    [Fact]
    public async Task An_auditor_reads_receipts_but_cannot_register_upload_or_aggregate()
    {
        var model = await OpenRoundAsync();
        await _client.UploadOkAsync(model.Study, 1, "site-a", model.UpdateFile(model.Update(1), 10));
        var auditor = stack.Tokens.Auditor();

        HttpResponseMessage[] writes =
        [
            await _client.SendAsync(HttpMethod.Put, $"/studies/{model.Study}/rounds/2", auditor,
                JsonContent.Create(model.Registration(["site-a"], stack.Clock.GetUtcNow().AddDays(1), baseVersion: 1), options: ContractJson.Options)),
            await _client.SendAsync(HttpMethod.Put, UpdatePath(model, "site-b"), auditor, Octets(model.UpdateFile(model.Update(2), 10))),
            await _client.SendAsync(HttpMethod.Post, $"/studies/{model.Study}/rounds/1/aggregation", auditor,
                JsonContent.Create(new AggregationRequest(null), options: ContractJson.Options)),
        ];

        foreach (var response in writes)
            await AggregatorClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        var receipts = await _client.SendAsync(HttpMethod.Get, $"/studies/{model.Study}/rounds/1/updates", auditor);
        await AggregatorClient.ExpectAsync(receipts, HttpStatusCode.OK);
        Assert.Equal(["site-a"], (await receipts.Content.ReadFromJsonAsync<List<UpdateReceipt>>(ContractJson.Options))!.Select(r => r.SiteId));
    }

    [Fact]
    public async Task The_scheduler_cannot_upload_an_update_on_a_sites_behalf()
    {
        var model = await OpenRoundAsync();

        var response = await _client.SendAsync(HttpMethod.Put, UpdatePath(model, "site-a"), stack.Tokens.Service("roundscheduler"),
            Octets(model.UpdateFile(model.Update(1), 10)));

        await AggregatorClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Empty(await _client.ReceiptsAsync(model.Study, 1));
    }

    [Fact]
    public async Task The_aggregator_calls_the_registry_with_its_own_service_token_not_its_callers()
    {
        var model = await OpenRoundAsync();
        await _client.UploadOkAsync(model.Study, 1, "site-a", model.UpdateFile(model.Update(1), 10));

        await _client.AggregateOkAsync(model.Study, 1);

        // At least: read version 0's manifest and weights, upload the new weights, publish version 1.
        var tokens = stack.Faults.BearerTokens(model.Study);
        Assert.True(tokens.Count >= 3, $"{tokens.Count} registry calls");
        Assert.All(tokens, token =>
        {
            Assert.NotNull(token);
            var jwt = new JsonWebToken(token);
            Assert.Equal("aggregator", jwt.GetClaim(FedGanClaims.ClientId).Value);
            Assert.Equal(Roles.Service, jwt.GetClaim(FedGanClaims.Role).Value);
        });
    }
}
