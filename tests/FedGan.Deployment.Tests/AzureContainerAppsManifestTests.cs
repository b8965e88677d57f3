using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using FedGan.Testing;

namespace FedGan.Deployment.Tests;

/// <summary>
/// What `azd up` deploys to Azure Container Apps: the manifest the AppHost publishes
/// (`dotnet run --project FedGan.AppHost -- --publisher manifest --output-path DIR`).
/// </summary>
public sealed class AzureContainerAppsManifestTests : IAsyncLifetime
{
    /// <summary>
    /// The resource types the Azure Developer CLI turns into Container Apps resources. Anything else
    /// (an executable.v0 above all: a local process) would not deploy.
    /// </summary>
    private static readonly string[] DeployableTypes = ["project.v0", "project.v1", "container.v0", "container.v1", "parameter.v0", "value.v0"];

    private static readonly string[] PlatformServices = ["gateway", "identity", "roundscheduler", "aggregator", "modelregistry", "privacyaccountant"];

    private readonly string _output = Directory.CreateTempSubdirectory("fedgan-aca-manifest-").FullName;
    private JsonObject _resources = [];

    public async ValueTask InitializeAsync() => _resources = await PublishAsync(_output);

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_output, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public void Every_resource_is_of_a_type_azd_deploys()
    {
        var undeployable = _resources
            .Select(resource => (resource.Key, Type: (string?)resource.Value!["type"]))
            .Where(resource => !DeployableTypes.Contains(resource.Type))
            .Select(resource => $"{resource.Key} ({resource.Type})")
            .ToList();

        Assert.True(undeployable.Count == 0, $"Not deployable by azd: {string.Join(", ", undeployable)}");
        foreach (var service in PlatformServices)
        {
            Assert.Equal("project.v0", (string?)_resources[service]?["type"]);
        }
    }

    [Fact]
    public void Hospitals_and_the_demo_study_stay_local()
    {
        Assert.DoesNotContain(_resources, resource => resource.Key.StartsWith("hospital-", StringComparison.Ordinal));
        Assert.False(_resources.ContainsKey("demo-study"));
        Assert.Equal(["gateway"], PlatformServices.Where(service => IsExternal(_resources[service]!)).ToList());
    }

    [Fact]
    public void Every_secret_is_a_secret_parameter_the_deployment_asks_for_or_generates()
    {
        foreach (var (name, value) in _resources.Where(resource => (string?)resource.Value!["type"] == "parameter.v0"))
        {
            var input = value!["inputs"]!["value"]!;
            Assert.True((bool?)input["secret"] == true, $"parameter {name} is not marked secret");
        }

        // The blob account is the one value azd must ask for; every credential is generated.
        Assert.Null(_resources["blobs"]!["inputs"]!["value"]!["default"]);
        Assert.NotNull(_resources["aggregator-client-secret"]!["inputs"]!["value"]!["default"]!["generate"]);
    }

    [Fact]
    public void Services_get_every_credential_and_store_they_check_at_start()
    {
        foreach (var service in PlatformServices)
        {
            // Every service checks tokens: revocation markers live in Redis.
            Assert.Equal("{redis.connectionString}", Env(service, "ConnectionStrings__redis"));
        }

        foreach (var caller in new[] { "roundscheduler", "aggregator", "modelregistry" })
        {
            Assert.Equal(caller, Env(caller, "ServiceCredential__ClientId"));
            Assert.Equal($"{{{caller}-client-secret.value}}", Env(caller, "ServiceCredential__ClientSecret"));
            Assert.Equal($"{{{caller}-client-secret.value}}", Env("identity", $"Identity__BootstrapClients__{caller}__Secret"));
        }

        Assert.Equal("{blobs.connectionString}", Env("aggregator", "ConnectionStrings__blobs"));
        Assert.Equal("{blobs.connectionString}", Env("modelregistry", "ConnectionStrings__blobs"));
        Assert.NotNull(Env("aggregator", "Aggregator__ServerNoiseSecret"));
        // The accountant calls no other service: it holds no credential, and Identity knows no client for it.
        Assert.Null(Env("privacyaccountant", "ServiceCredential__ClientSecret"));
        Assert.Null(Env("identity", "Identity__BootstrapClients__privacyaccountant__Secret"));
        Assert.Equal("{identity-signing-key-encryption.value}", Env("identity", "Identity__SigningKeyEncryptionKey"));
    }

    [Fact]
    public void Redis_keeps_an_append_only_file_on_a_volume()
    {
        var redis = _resources["redis"]!;
        var command = string.Join(' ', redis["args"]!.AsArray().Select(arg => (string?)arg));

        Assert.Contains("--appendonly yes", command);
        Assert.Contains("--appendfsync always", command);
        Assert.Contains("--dir /data", command);
        Assert.Contains(redis["volumes"]!.AsArray(), volume => (string?)volume!["target"] == "/data");
        // The password comes from a secret parameter through the environment, never written into the arguments.
        Assert.Equal("{redis-password.value}", (string?)redis["env"]!["REDIS_PASSWORD"]);
        Assert.DoesNotContain("{redis-password", command);
    }

    private string? Env(string resource, string key) => (string?)_resources[resource]!["env"]![key];

    private static bool IsExternal(JsonNode resource) =>
        resource["bindings"]!.AsObject().Any(binding => (bool?)binding.Value!["external"] == true);

    /// <summary>Runs the built AppHost (the tests' own build configuration) as its publisher.</summary>
    private static async Task<JsonObject> PublishAsync(string output)
    {
        var configuration = Assembly.GetExecutingAssembly().GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var appHost = Path.Combine(Repository.Root, "FedGan.AppHost", "bin", configuration, "net10.0", "FedGan.AppHost.dll");
        Assert.True(File.Exists(appHost), $"Build FedGan.AppHost first: {appHost} is missing.");

        var start = new ProcessStartInfo("dotnet", [appHost, "--publisher", "manifest", "--output-path", output])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = output,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"The AppHost's publisher failed ({process.ExitCode}): {await stdout}{await stderr}");

        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "aspire-manifest.json")))!;
        return manifest["resources"]!.AsObject();
    }
}
