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
/// </summary>
public sealed class FederatedStackFixture : IAsyncLifetime
{
    public const double Hospital3LocalBudget = 1.0;

    public LocalStack Stack { get; private set; } = null!;

    public PlatformAccess Platform { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Stack = await LocalStack.StartAsync(hospitals: 3, TestContext.Current.CancellationToken, (builder, _) =>
        {
            var hospital3 = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "hospital-3");
            builder.CreateResourceBuilder(hospital3)
                .WithEnvironment("EdgeTrainer__Privacy__EpsilonBudget", Hospital3LocalBudget.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        Platform = new PlatformAccess(Stack);
    }

    public async ValueTask DisposeAsync() => await Stack.DisposeAsync();
}
