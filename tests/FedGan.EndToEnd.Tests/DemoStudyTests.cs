using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FedGan.EndToEnd.Tests.Access;

namespace FedGan.EndToEnd.Tests;

/// <summary>
/// The stack as `./build/run.sh` starts it, demo included: the coordinator's CLI creates the demo
/// study, and the simulated hospitals, which join only studies they approved, have approved it
/// explicitly (its id, architecture hash and epsilon budget), so they train it.
/// </summary>
public sealed class DemoStudyTests
{
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task The_simulated_hospitals_approve_the_demo_study_and_complete_its_round()
    {
        await using var stack = await LocalStack.StartAsync(hospitals: 2, TestContext.Current.CancellationToken,
            settings: ["Demo:Enabled=true", "Demo:Rounds=1", "Demo:LocalSteps=4"]);
        var platform = new PlatformAccess(stack);
        var study = $"/scheduler/studies/{DemoStudyExtensions.StudyId}";

        var deadline = DateTime.UtcNow + RoundTimeout;
        JsonObject? summary = null;
        while (DateTime.UtcNow < deadline && (string?)summary?["status"] is null or "active")
        {
            await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
            using var gateway = platform.Gateway(await platform.CoordinatorTokenAsync());
            using var response = await gateway.GetAsync(study, TestContext.Current.CancellationToken);
            summary = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken) : null;
        }

        Assert.True((string?)summary?["status"] == "completed", $"the demo study did not complete within {RoundTimeout}: {summary}");
        // What each hospital approved is what the study is: sha256sum of the default architecture's canonical JSON.
        Assert.Equal("9ad4a5b11a27c15ea6a26a2527b46c7c47a02e61a8b31c0f561c9d15291480ff", (string)summary!["architecture_sha256"]!);
        using var coordinator = platform.Gateway(await platform.CoordinatorTokenAsync());
        var round = (await coordinator.GetFromJsonAsync<JsonObject>($"{study}/rounds/1", TestContext.Current.CancellationToken))!;
        Assert.Equal(["hospital-1", "hospital-2"], round["contributing_sites"]!.AsArray().Select(s => (string)s!));
        Assert.Empty(round["declined_sites"]!.AsObject());
    }
}
