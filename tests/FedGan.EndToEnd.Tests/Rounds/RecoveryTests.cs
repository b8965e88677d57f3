using System.Text.Json;

namespace FedGan.EndToEnd.Tests.Rounds;

/// <summary>Processes die mid-round; the round still completes, with nothing lost and nothing counted twice.</summary>
[Collection(FederatedCollection.Name)]
public class RecoveryTests(FederatedStackFixture fixture)
{
    private readonly Coordinator _coordinator = new(fixture);

    private DistributedApplication App => fixture.Stack.App;

    [Fact]
    public async Task A_round_survives_the_aggregator_and_the_scheduler_being_killed_while_it_is_open()
    {
        var study = fixture.NewApprovedStudyId();
        await _coordinator.CreateStudyAsync(study, "hospital-1,hospital-2", "--quorum", "2", "--rounds", "1", "--local-steps", "20");
        await _coordinator.WaitForRoundAsync(study, 1, r => (string?)r["state"] == "open", TimeSpan.FromMinutes(2));

        await StopAsync("aggregator");
        await StopAsync("roundscheduler");
        // The hospitals train meanwhile; their uploads and polls fail and are retried.
        await Task.Delay(TimeSpan.FromSeconds(25), TestContext.Current.CancellationToken);
        // The scheduler waits for the aggregator (as in the AppHost), so the aggregator comes back first.
        await StartAsync("aggregator");
        await StartAsync("roundscheduler");

        var finished = await _coordinator.WaitForStudyToEndAsync(study);

        Assert.Equal("completed", (string)finished["status"]!);
        var version = (await _coordinator.ListAsync($"/registry/studies/{study}/versions")).Single(v => (int)v!["version"]! == 1)!;
        Assert.Equal(["hospital-1", "hospital-2"], version["contributions"]!.AsArray().Select(c => (string)c!["site_id"]!).Order());
        var receipts = await _coordinator.ListAsync($"/aggregator/studies/{study}/rounds/1/updates");
        Assert.Equal(2, receipts.Count);
        foreach (var site in new[] { "hospital-1", "hospital-2" })
        {
            var spending = await _coordinator.GetAsync($"/privacy/studies/{study}/sites/{site}/spending");
            Assert.Equal(1, (int)spending["rounds_committed"]!);
        }
    }

    [Fact]
    public async Task An_edge_trainer_killed_mid_training_resumes_from_its_checkpoint_and_charges_its_budget_once()
    {
        var study = fixture.NewApprovedStudyId();
        await _coordinator.CreateStudyAsync(study, "hospital-1,hospital-2", "--quorum", "2", "--rounds", "1", "--local-steps", "40");
        var workspace = _coordinator.Workspace("hospital-1", study, 1);
        var checkpoint = Path.Combine(workspace, "checkpoint.json");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (!File.Exists(checkpoint) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.True(File.Exists(checkpoint), "hospital-1 never checkpointed its training");
        await StopAsync("hospital-1");
        var stepsAtKill = int.Parse(await File.ReadAllTextAsync(checkpoint, TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(stepsAtKill, 1, 39);
        await StartAsync("hospital-1");

        var finished = await _coordinator.WaitForStudyToEndAsync(study);

        Assert.Equal("completed", (string)finished["status"]!);
        var round = await _coordinator.GetAsync($"/scheduler/studies/{study}/rounds/1");
        Assert.Contains("hospital-1", round["contributing_sites"]!.AsArray().Select(s => (string)s!));
        var ledgerPath = Path.Combine(fixture.Stack.DataDirectory, "hospital-1", "privacy-ledger.json");
        using var ledger = JsonDocument.Parse(await File.ReadAllTextAsync(ledgerPath, TestContext.Current.CancellationToken));
        Assert.Single(ledger.RootElement.EnumerateArray(), e => e.GetProperty("study_id").GetString() == study);
    }

    private async Task StopAsync(string resource)
    {
        var stopped = await App.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, TestContext.Current.CancellationToken);
        Assert.True(stopped.Success, $"stop {resource}: {stopped.Message}");
    }

    private async Task StartAsync(string resource)
    {
        var started = await App.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, TestContext.Current.CancellationToken);
        Assert.True(started.Success, $"start {resource}: {started.Message}");
        await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, TestContext.Current.CancellationToken);
    }
}
