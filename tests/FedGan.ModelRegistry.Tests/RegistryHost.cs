using FedGan.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

[assembly: AssemblyFixture(typeof(FedGan.ModelRegistry.Tests.AzuriteFixture))]

namespace FedGan.ModelRegistry.Tests;

/// <summary>One replica of the real ModelRegistry service on a real Azurite, with optional settings.</summary>
public sealed class RegistryHost(string blobConnectionString, IReadOnlyDictionary<string, string>? settings = null)
    : WebApplicationFactory<Program>
{
    /// <summary>
    /// A client that streams request bodies. The factory's default client follows redirects, and
    /// to replay a body on a redirect it first buffers the whole body (2.2x a 64 MiB upload, measured).
    /// </summary>
    public RegistryClient Client() => new(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));

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

    public RegistryClient Client() => Service.Client();

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
