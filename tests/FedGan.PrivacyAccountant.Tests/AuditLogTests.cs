using StackExchange.Redis;

namespace FedGan.PrivacyAccountant.Tests;

public class AuditLogTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private readonly LedgerClient _ledger = new(fixture.Service.CreateClient());

    private async Task<string> StudyWithHistoryAsync()
    {
        var study = Studies.NewId();
        await _ledger.SetBudgetAsync(study, epsilonMax: 10);
        await _ledger.ReserveAsync(study, 1, "hospital-a");
        await _ledger.ReserveAsync(study, 1, "hospital-b");
        await _ledger.CommitAsync(study, 1, "hospital-a");
        await _ledger.ReleaseAsync(study, 1, "hospital-b");
        return study;
    }

    [Fact]
    public async Task The_export_lists_every_change_in_order_with_a_chain_of_hashes()
    {
        var study = await StudyWithHistoryAsync();

        var export = await _ledger.GetAsync($"/studies/{study}/audit");
        var records = export["records"]!.AsArray();

        Assert.Equal(["study_budget_set", "reserved", "reserved", "committed", "released"],
            records.Select(r => (string)r!["event"]!["action"]!));
        Assert.Equal([1L, 2, 3, 4, 5], records.Select(r => (long)r!["seq"]!));
        Assert.Equal(new string('0', 64), (string)records[0]!["prev_hash"]!);
        for (var i = 1; i < records.Count; i++)
        {
            Assert.Equal((string)records[i - 1]!["hash"]!, (string)records[i]!["prev_hash"]!);
        }

        // The hash is SHA-256 of "seq\nprev_hash\npayload", recomputed here independently.
        var last = records[^1]!;
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{last["seq"]}\n{last["prev_hash"]}\n{last["payload"]}")));
        Assert.Equal(expected, (string)last["hash"]!);
        Assert.Equal($"5:{expected}", (string)export["head"]!);
        Assert.True((bool)(await _ledger.GetAsync($"/studies/{study}/audit/verification"))["intact"]!);
    }

    [Fact]
    public async Task An_edited_link_is_detected()
    {
        var study = await StudyWithHistoryAsync();
        var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString);
        var key = $"fedgan:privacy:{{{study}}}:audit";
        var third = (string)(await redis.GetDatabase().ListGetByIndexAsync(key, 2))!;
        // Someone rewrites history: hospital-b's reservation now claims a tenth of its noise.
        await redis.GetDatabase().ListSetByIndexAsync(key, 2, third.Replace("1.5", "0.15"));

        var verification = await _ledger.GetAsync($"/studies/{study}/audit/verification");

        Assert.False((bool)verification["intact"]!);
        Assert.Equal(3, (long)verification["first_broken_seq"]!);
    }

    [Fact]
    public async Task A_deleted_link_is_detected_in_the_middle_and_at_the_end()
    {
        var middle = await StudyWithHistoryAsync();
        var end = await StudyWithHistoryAsync();
        var redis = (await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString)).GetDatabase();
        var middleKey = $"fedgan:privacy:{{{middle}}}:audit";
        await redis.ListRemoveAsync(middleKey, (await redis.ListGetByIndexAsync(middleKey, 1))!);
        await redis.ListRightPopAsync($"fedgan:privacy:{{{end}}}:audit");

        var middleCheck = await _ledger.GetAsync($"/studies/{middle}/audit/verification");
        var endCheck = await _ledger.GetAsync($"/studies/{end}/audit/verification");

        Assert.False((bool)middleCheck["intact"]!);
        Assert.Equal(2, (long)middleCheck["first_broken_seq"]!);
        Assert.False((bool)endCheck["intact"]!);
        Assert.Equal(5, (long)endCheck["first_broken_seq"]!);
    }
}
