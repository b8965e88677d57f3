using System.Collections.Concurrent;
using System.Globalization;
using FedGan.Contracts.Models;
using FedGan.Contracts.Studies;
using FedGan.EndToEnd.Tests.Access;

namespace FedGan.EndToEnd.Tests.Rounds;

[CollectionDefinition(Name)]
public sealed class FederatedCollection : ICollectionFixture<FederatedStackFixture>
{
    public const string Name = "federated stack";
}

/// <summary>
/// The real stack with three simulated hospitals training on their Fashion-MNIST shares. Hospital 3
/// holds a small local privacy budget of its own, so a study that costs more is refused at its site.
/// The hospitals join only studies they approved at start, as real ones do: every hospital approves
/// the ids <see cref="NewApprovedStudyId"/> hands out; <see cref="StudyOnlyHospital1Approved"/> is
/// approved by hospital 1 alone.
/// </summary>
public sealed class FederatedStackFixture : IAsyncLifetime
{
    public const double Hospital3LocalBudget = 1.0;

    /// <summary>The most epsilon the hospitals let an approved study plan (the tests' studies plan 10 or less).</summary>
    public const double ApprovedMaxEpsilon = 10;

    private readonly ConcurrentQueue<string> _approvedStudies =
        new(Enumerable.Range(0, 12).Select(_ => "e2e-" + Guid.NewGuid().ToString("N")[..10]));

    public string StudyOnlyHospital1Approved { get; } = "e2e-partly-" + Guid.NewGuid().ToString("N")[..8];

    public LocalStack Stack { get; private set; } = null!;

    public PlatformAccess Platform { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        // The tests' studies all use the default architecture (28x28, 10 classes).
        var architecture = ContractHash.Of(new ModelArchitecture());
        var maxEpsilon = ApprovedMaxEpsilon.ToString(CultureInfo.InvariantCulture);
        var approvals = _approvedStudies.SelectMany(study => new[]
        {
            $"Hospitals:ApprovedStudies:{study}:ArchitectureSha256={architecture}",
            $"Hospitals:ApprovedStudies:{study}:MaxEpsilon={maxEpsilon}",
        });
        Stack = await LocalStack.StartAsync(hospitals: 3, TestContext.Current.CancellationToken, (builder, _) =>
        {
            var hospital3 = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "hospital-3");
            builder.CreateResourceBuilder(hospital3)
                .WithEnvironment("EdgeTrainer__Privacy__EpsilonBudget", Hospital3LocalBudget.ToString(CultureInfo.InvariantCulture));
            var hospital1 = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "hospital-1");
            builder.CreateResourceBuilder(hospital1).WithApprovedStudy(StudyOnlyHospital1Approved, architecture, ApprovedMaxEpsilon);
        }, approvals);
        Platform = new PlatformAccess(Stack);
    }

    /// <summary>A study id every simulated hospital approved at start (default architecture, epsilon up to <see cref="ApprovedMaxEpsilon"/>).</summary>
    public string NewApprovedStudyId() =>
        _approvedStudies.TryDequeue(out var study)
            ? study
            : throw new InvalidOperationException("Every pre-approved study id is used: approve more in FederatedStackFixture.");

    public async ValueTask DisposeAsync() => await Stack.DisposeAsync();
}
