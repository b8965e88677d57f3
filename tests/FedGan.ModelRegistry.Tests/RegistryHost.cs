using FedGan.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

[assembly: AssemblyFixture(typeof(FedGan.ModelRegistry.Tests.AzuriteFixture))]

namespace FedGan.ModelRegistry.Tests;

/// <summary>One replica of the real ModelRegistry service on a real Azurite, with optional settings.</summary>
public sealed class RegistryHost(string blobConnectionString, IReadOnlyDictionary<string, string>? settings = null)
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:blobs", blobConnectionString);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
    }
}

/// <summary>A real Azurite for the whole test run and a service replica on it; tests keep apart by study id.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public AzuriteServer Azurite { get; private set; } = null!;

    public RegistryHost Service { get; private set; } = null!;

    public RegistryClient Client() => new(Service.CreateClient());

    public async ValueTask InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync();
        Service = new RegistryHost(Azurite.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}
