using System.Net;
using System.Net.Http.Json;
using FedGan.Contracts;
using FedGan.Contracts.Studies;
using FedGan.Contracts.Updates;

namespace FedGan.Aggregator.Tests;

public class IdempotencyTests(Stack stack)
{
    private readonly AggregatorClient _client = stack.AggregatorClient();

    [Fact]
    public async Task The_same_bytes_again_get_the_first_receipt_and_different_bytes_a_conflict_that_loses_nothing()
    {
        var model = await TestModel.PublishAsync(stack);
        await model.RegisterAsync(stack, 1, ["site-a"]);
        var file = model.UpdateFile(model.Update(1), 40);
        var first = await _client.UploadOkAsync(model.Study, 1, "site-a", file);
        stack.Clock.Advance(TimeSpan.FromSeconds(5));

        var again = await _client.UploadAsync(model.Study, 1, "site-a", file);
        var other = await _client.UploadAsync(model.Study, 1, "site-a", model.UpdateFile(model.Update(2), 40));
        var otherLength = await _client.UploadAsync(model.Study, 1, "site-a", model.UpdateFile(model.Update(2), 400000));

        await AggregatorClient.ExpectAsync(again, HttpStatusCode.OK);
        Assert.Equal(first, await again.Content.ReadFromJsonAsync<UpdateReceipt>(ContractJson.Options));
        await AggregatorClient.ExpectProblemAsync(other, HttpStatusCode.Conflict, ErrorCodes.UpdateConflict);
        await AggregatorClient.ExpectProblemAsync(otherLength, HttpStatusCode.Conflict, ErrorCodes.UpdateConflict);
        Assert.Equal([first], await _client.ReceiptsAsync(model.Study, 1));
        var result = await _client.AggregateOkAsync(model.Study, 1);
        Assert.Equal(first.Sha256, Assert.Single(result.Contributions).UpdateSha256);
    }

    [Fact]
    public async Task Concurrent_uploads_by_one_site_leave_exactly_one_receipt()
    {
        var model = await TestModel.PublishAsync(stack);
        await model.RegisterAsync(stack, 1, ["site-a"]);

        var responses = await Task.WhenAll(Enumerable.Range(1, 6).Select(salt =>
            _client.UploadAsync(model.Study, 1, "site-a", model.UpdateFile(model.Update(salt), 10))));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Single(await _client.ReceiptsAsync(model.Study, 1));
    }

    [Fact]
    public async Task Registering_a_round_again_is_accepted_when_identical_and_refused_when_different()
    {
        var model = await TestModel.PublishAsync(stack);
        var deadline = stack.Clock.GetUtcNow().AddHours(2);
        var registration = model.Registration(["site-b", "site-a"], deadline);

        var created = await _client.RegisterAsync(model.Study, 1, registration);
        // The same round, sites in another order and the deadline in another offset: the same registration.
        var same = await _client.RegisterAsync(model.Study, 1, registration with { AdmittedSites = ["site-a", "site-b"], Deadline = deadline.ToOffset(TimeSpan.FromHours(2)) });
        var different = await _client.RegisterAsync(model.Study, 1, registration with { Aggregation = new AggregationSettings(ServerLearningRate: 0.1) });

        await AggregatorClient.ExpectAsync(created, HttpStatusCode.Created);
        await AggregatorClient.ExpectAsync(same, HttpStatusCode.OK);
        await AggregatorClient.ExpectProblemAsync(different, HttpStatusCode.Conflict, ErrorCodes.RoundConflict);
    }

    [Fact]
    public async Task A_round_of_a_study_without_version_0_or_with_bad_settings_is_not_registered()
    {
        var model = await TestModel.PublishAsync(stack);
        var deadline = stack.Clock.GetUtcNow().AddHours(2);

        var unknown = await _client.RegisterAsync(TestModel.NewStudy(), 1, model.Registration(["site-a"], deadline));
        var badMethod = await _client.RegisterAsync(model.Study, 1, model.Registration(["site-a"], deadline, aggregation: new AggregationSettings(Method: "fedsgd")));
        var badClip = await _client.RegisterAsync(model.Study, 1, model.Registration(["site-a"], deadline, clipNorm: 0));
        var noSites = await _client.RegisterAsync(model.Study, 1, model.Registration([], deadline));

        await AggregatorClient.ExpectProblemAsync(unknown, HttpStatusCode.UnprocessableEntity, ErrorCodes.VersionNotFound);
        Assert.Contains("fedsgd", await AggregatorClient.ExpectProblemAsync(badMethod, HttpStatusCode.BadRequest, "invalid_request"));
        await AggregatorClient.ExpectProblemAsync(badClip, HttpStatusCode.BadRequest, "invalid_request");
        await AggregatorClient.ExpectProblemAsync(noSites, HttpStatusCode.BadRequest, "invalid_request");
    }
}
