extern alias privacyaccountant;
using System.Text.Json.Nodes;
using FedGan.Contracts.Models;
using FedGan.Contracts.Studies;
using FedGan.EdgeTrainer.Local;
using FedGan.Privacy;
using Microsoft.Extensions.Options;
using privacyaccountant::FedGan.PrivacyAccountant.Ledger;

namespace FedGan.EdgeTrainer.Tests;

/// <summary>
/// The hospital's ledger counts epsilon as the platform's accountant does: the study's accountant at
/// the study's delta, over every round the site trained.
/// </summary>
public sealed class LocalPrivacyLedgerTests : IDisposable
{
    private const string StudyId = "chest-ct";

    private readonly string stateDirectory = Directory.CreateTempSubdirectory("fedgan-edge-ledger-").FullName;

    [Theory]
    [InlineData("rdp")]
    [InlineData("pld")]
    public void The_edge_ledger_and_the_platform_accountant_compose_the_same_rounds_to_the_same_epsilon(string accountant)
    {
        // Different mechanisms across rounds, and a study delta stricter than the site's.
        const double studyDelta = 1e-6;
        (double Noise, double Rate, int Steps)[] rounds = [(1.1, 0.004, 50), (1.1, 0.004, 50), (0.9, 0.01, 80)];
        var ledger = Ledger(epsilonBudget: 100, localDelta: 1e-5);
        for (var i = 0; i < rounds.Length; i++)
        {
            ledger.Charge(Task(i + 1, rounds[i].Noise, rounds[i].Rate, rounds[i].Steps, studyDelta, accountant));
        }

        var platform = new EpsilonCalculator().Epsilon(
            new StudyBudget(8, studyDelta, accountant, PrivacyUnits.Record),
            rounds.Select(r => new Mechanism(r.Noise, r.Rate, r.Steps, ClippingBound: 1.0, PrivacyUnits.Record)));

        Assert.InRange(platform, 0.1, 100);
        Assert.Equal(platform, ledger.EpsilonSpent(StudyId), platform * 1e-12);
    }

    [Fact]
    public void A_pld_study_is_counted_and_capped_with_pld_at_the_studys_delta_not_rdp()
    {
        // tensorflow/privacy compute_dp_sgd_privacy_test.py (accountant PLD): noise 0.7, q 0.01,
        // 120 steps, delta 1e-5 -> epsilon 2.4612381. Here the 120 steps are two rounds of 60.
        // RDP at the same delta gives about 3.24, past the site's budget of 2.5.
        const double published = 2.4612381;
        var ledger = Ledger(epsilonBudget: 2.5, localDelta: 1e-5);
        ledger.Charge(Task(1, 0.7, 0.01, 60, 1e-5, "pld"));

        Assert.Null(ledger.Refusal(Task(2, 0.7, 0.01, 60, 1e-5, "pld")));
        ledger.Charge(Task(2, 0.7, 0.01, 60, 1e-5, "pld"));

        Assert.Equal(published, ledger.EpsilonSpent(StudyId), published * 1e-4);
        var rdp = new RdpAccountant().GetPrivacySpent([new(0.7, 0.01, 120)], 1e-5).Epsilon;
        Assert.True(rdp > 3, $"RDP gives {rdp}: the test would not tell the accountants apart");

        var refusal = ledger.Refusal(Task(3, 0.7, 0.01, 60, 1e-5, "pld"));
        Assert.NotNull(refusal);
        Assert.Contains("pld, delta 1E-05", refusal);
        Assert.Contains("local budget of 2.5", refusal);
    }

    [Fact]
    public void The_local_cap_is_never_checked_at_a_looser_delta_than_the_sites()
    {
        // A study at delta 1e-5 on a site that counts at 1e-6: the same two PLD rounds come to about
        // 3.15 at 1e-6 (2.46 at 1e-5), so the second is refused under a cap of 2.5.
        var ledger = Ledger(epsilonBudget: 2.5, localDelta: 1e-6);
        ledger.Charge(Task(1, 0.7, 0.01, 60, 1e-5, "pld"));

        var refusal = ledger.Refusal(Task(2, 0.7, 0.01, 60, 1e-5, "pld"));

        Assert.NotNull(refusal);
        Assert.Contains("pld, delta 1E-06", refusal);
    }

    [Fact]
    public void Entries_written_before_the_ledger_recorded_the_accountant_are_read_as_rdp_at_the_local_delta()
    {
        // As a trainer before this change wrote it: no accountant, no delta. Two rounds of noise 1.5,
        // rate 0.04 and 1125 steps are pytorch/opacus' test_rdp_accountant example (2250 steps,
        // delta 1e-5): epsilon 7.32911117143 to 7 places.
        File.WriteAllText(Path.Combine(stateDirectory, "privacy-ledger.json"), """
            [
              {"study_id":"chest-ct","round":1,"noise_multiplier":1.5,"sampling_rate":0.04,"steps":1125,"recorded_at":"2026-11-30T09:00:00+00:00"},
              {"study_id":"chest-ct","round":2,"noise_multiplier":1.5,"sampling_rate":0.04,"steps":1125,"recorded_at":"2026-11-30T10:00:00+00:00"}
            ]
            """);
        var ledger = Ledger(epsilonBudget: 100, localDelta: 1e-5);

        Assert.Equal(7.32911117143, ledger.EpsilonSpent(StudyId), 1e-6);

        // The study now counts with PLD: every round is composed under its current terms, as the
        // platform composes them, and the old entries keep saying nothing about their accountant.
        ledger.Charge(Task(3, 0.7, 0.01, 60, 1e-5, "pld"));
        var platform = new EpsilonCalculator().Epsilon(new StudyBudget(100, 1e-5, "pld", PrivacyUnits.Record),
            [new(1.5, 0.04, 1125, 1.0, PrivacyUnits.Record), new(1.5, 0.04, 1125, 1.0, PrivacyUnits.Record), new(0.7, 0.01, 60, 1.0, PrivacyUnits.Record)]);
        Assert.Equal(platform, ledger.EpsilonSpent(StudyId), platform * 1e-12);
        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(stateDirectory, "privacy-ledger.json")))!.AsArray();
        Assert.Null(written[0]!["accountant"]);
        Assert.Equal("pld", (string?)written[2]!["accountant"]);
        Assert.Equal(1e-5, (double?)written[2]!["delta"]);
    }

    [Fact]
    public void A_study_with_an_accountant_the_trainer_does_not_know_is_refused_with_the_name()
    {
        var ledger = Ledger(epsilonBudget: 100, localDelta: 1e-5);

        var refusal = ledger.Refusal(Task(1, 1.1, 0.004, 50, 1e-5, "prv"));

        Assert.NotNull(refusal);
        Assert.Contains("accountant 'prv'", refusal);
    }

    public void Dispose() => Directory.Delete(stateDirectory, recursive: true);

    private LocalPrivacyLedger Ledger(double epsilonBudget, double localDelta) =>
        new(Options.Create(new EdgeTrainerOptions
        {
            StateDirectory = stateDirectory,
            Privacy = { EpsilonBudget = epsilonBudget, Delta = localDelta },
        }));

    private static TrainingTask Task(int round, double noise, double rate, int steps, double delta, string accountant) =>
        new(StudyId, round, round - 1, new string('0', 64), new ModelArchitecture(), new TrainingSettings(LocalSteps: steps),
            new PrivacySettings(noise, rate, ClippingBound: 1.0, delta, EpsilonBudget: 8, accountant), new UpdateSettings(20),
            DateTimeOffset.UtcNow.AddMinutes(10));
}
