namespace FedGan.EndToEnd.Tests.Access;

/// <summary>
/// One real stack for the access-control tests, with short-lived tokens (20 s, no clock skew) so
/// expiry and key retirement happen within a test, and a small per-client rate limit.
/// </summary>
public sealed class AccessStackFixture : IAsyncLifetime
{
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(20);
    public const int RateLimitBurst = 30;
    public const int RateLimitPerSecond = 10;

    /// <summary>Identity's signing-key encryption secret, chosen here so a test can read the active key as an insider would.</summary>
    public static readonly string SigningKeyEncryptionKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public LocalStack Stack { get; private set; } = null!;

    public PlatformAccess Platform { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Stack = await LocalStack.StartAsync(hospitals: 1, TestContext.Current.CancellationToken, (builder, dataDirectory) =>
        {
            foreach (var project in builder.Resources.OfType<ProjectResource>())
            {
                builder.CreateResourceBuilder(project).WithEnvironment("Authentication__ClockSkew", "00:00:00");
            }

            var identity = builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "identity"));
            identity
                .WithEnvironment("Identity__TokenLifetime", TokenLifetime.ToString())
                .WithEnvironment("Identity__MaxClockSkew", "00:00:00")
                .WithEnvironment("Identity__SigningKeyEncryptionKey", SigningKeyEncryptionKey);

            var gateway = builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "gateway"));
            gateway
                .WithEnvironment("Gateway__AuthenticatedRateLimit__TokenLimit", RateLimitBurst.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithEnvironment("Gateway__AuthenticatedRateLimit__TokensPerPeriod", RateLimitPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture))
                // Every test asks for tokens from 127.0.0.1: keep the anonymous limit out of their way.
                .WithEnvironment("Gateway__AnonymousRateLimit__TokenLimit", "500")
                .WithEnvironment("Gateway__AnonymousRateLimit__TokensPerPeriod", "200");
        });
        Platform = new PlatformAccess(Stack);
    }

    public async ValueTask DisposeAsync() => await Stack.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class AccessCollection : ICollectionFixture<AccessStackFixture>
{
    public const string Name = "access";
}
