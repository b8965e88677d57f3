using System.Net;

namespace FedGan.PrivacyAccountant.Tests;

public class ConcurrencyTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Of_many_concurrent_reservations_across_two_replicas_only_those_that_fit_pass()
    {
        await using var secondReplica = new PrivacyAccountantHost(fixture.Redis.ConnectionString);
        LedgerClient[] replicas = [new(fixture.Service.CreateClient()), new(secondReplica.CreateClient())];
        var study = Studies.NewId();
        // Two rounds of 1125 steps reach the published 7.329; a third cannot fit under 7.33.
        await replicas[0].SetBudgetAsync(study, epsilonMax: 7.33);

        var attempts = Enumerable.Range(1, 24)
            .Select(round => replicas[round % 2].ReserveAsync(study, round, "hospital-a"))
            .ToList();
        var responses = await Task.WhenAll(attempts);

        foreach (var odd in responses.Where(r => r.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict)))
        {
            Assert.Fail($"{odd.StatusCode}: {await odd.Content.ReadAsStringAsync()}");
        }

        Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(22, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            Assert.Equal("privacy_budget_exceeded", (string)(await LedgerClient.BodyAsync(refused))["code"]!);
        }

        var site = await replicas[1].GetAsync($"/studies/{study}/sites/hospital-a/spending");
        Assert.Equal(2, (int)site["rounds_reserved"]!);
        Assert.Equal(Studies.OpacusEpsilonFor2250Steps, (double)site["epsilon_committed_and_reserved"]!, 6);
    }

    [Fact]
    public async Task Concurrent_identical_reservations_create_one_entry()
    {
        var ledger = new LedgerClient(fixture.Service.CreateClient());
        var study = Studies.NewId();
        await ledger.SetBudgetAsync(study, epsilonMax: 10);

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => ledger.ReserveAsync(study, 1, "hospital-a")));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(11, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var audit = await ledger.GetAsync($"/studies/{study}/audit");
        Assert.Equal(["study_budget_set", "reserved"], audit["records"]!.AsArray().Select(r => (string)r!["event"]!["action"]!));
    }
}
