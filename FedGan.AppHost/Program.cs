var builder = DistributedApplication.CreateBuilder(args);

// Infrastructure: locally a real redis-server and a real Azurite as processes; published, Redis and Azure Storage.
var redis = builder.AddRedisStore("redis");
var blobs = builder.AddBlobStore("blobs");

// Services
var identity = builder.AddProject<Projects.FedGan_Identity>("identity")
    .WithSigningKeyEncryptionKey()
    .WithReference(redis).WaitFor(redis)
    .WithHttpHealthCheck("/health");

var privacy = builder.AddProject<Projects.FedGan_PrivacyAccountant>("privacyaccountant")
    .WithReference(redis).WaitFor(redis)
    .WithHttpHealthCheck("/health");

var registry = builder.AddProject<Projects.FedGan_ModelRegistry>("modelregistry")
    .WithReference(blobs).WaitFor(blobs)
    .WithHttpHealthCheck("/health");

var aggregator = builder.AddProject<Projects.FedGan_Aggregator>("aggregator")
    .WithServerNoiseSecret()
    .WithReference(redis).WaitFor(redis)
    .WithReference(blobs).WaitFor(blobs)
    .WithReference(registry).WaitFor(registry)
    .WithHttpHealthCheck("/health");

var scheduler = builder.AddProject<Projects.FedGan_RoundScheduler>("roundscheduler")
    .WithReference(redis).WaitFor(redis)
    .WithReference(privacy).WaitFor(privacy)
    .WithReference(registry).WaitFor(registry)
    .WithReference(aggregator).WaitFor(aggregator)
    .WithHttpHealthCheck("/health");

// The registry asks the scheduler which sites a study enrolls (no wait: the scheduler waits for the registry).
registry.WithReference(scheduler);

// Gateway: the single external endpoint.
var gateway = builder.AddProject<Projects.FedGan_Gateway>("gateway")
    .WithReference(identity).WaitFor(identity)
    .WithReference(scheduler).WaitFor(scheduler)
    .WithReference(aggregator).WaitFor(aggregator)
    .WithReference(registry).WaitFor(registry)
    .WithReference(privacy).WaitFor(privacy)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

// Edge sites: simulated hospitals that reach the platform through the gateway only.
var hospitals = builder.AddSimulatedHospitals(gateway);

// Credentials: generated on first start for the coordinator, each calling service and each site (IdentityBootstrapExtensions).
var coordinatorSecret = builder.AddPlatformCredentials(identity, redis,
    callers: [registry, aggregator, scheduler], tokenCheckers: [privacy, gateway], sites: hospitals);

// Demo: a study over the simulated hospitals, created by the coordinator's own CLI (Demo:Enabled).
builder.AddDemoStudy(gateway, coordinatorSecret, hospitals);

builder.Build().Run();
