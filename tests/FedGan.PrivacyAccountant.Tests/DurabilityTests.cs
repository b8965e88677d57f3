using System.Net;

namespace FedGan.PrivacyAccountant.Tests;

public class DurabilityTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task The_ledger_survives_a_restart_of_Redis_and_of_the_service()
    {
        var study = Studies.NewId();
        var before = new LedgerClient(fixture.Service.CreateClient());
        await before.SetBudgetAsync(study, epsilonMax: 7.33);
        await before.ReserveAsync(study, 1, "hospital-a");
        await before.CommitAsync(study, 1, "hospital-a");
        await before.ReserveAsync(study, 2, "hospital-a");

        await fixture.Redis.KillAsync();
        await fixture.Redis.RestartAsync();
        await using var restarted = new PrivacyAccountantHost(fixture.Redis.ConnectionString);
        var after = new LedgerClient(restarted.CreateClient());

        var site = await after.GetAsync($"/studies/{study}/sites/hospital-a/spending");
        Assert.Equal(1, (int)site["rounds_committed"]!);
        Assert.Equal(1, (int)site["rounds_reserved"]!);
        // The open reservation still holds its share of the budget after the restart.
        Assert.Equal(HttpStatusCode.Conflict, (await after.ReserveAsync(study, 3, "hospital-a")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await after.CommitAsync(study, 2, "hospital-a")).StatusCode);
        var verification = await after.GetAsync($"/studies/{study}/audit/verification");
        Assert.True((bool)verification["intact"]!);
        Assert.Equal(5, (long)verification["records"]!);
    }
}
