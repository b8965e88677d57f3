using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FedGan.ServiceDefaults.Tests;

/// <summary>
/// What an operator sees when a deployment leaves out a key a service needs: the host refuses to
/// start, and the message names the key as configuration and as an environment variable.
/// </summary>
public class ConfigurationValidationTests
{
    private static IHost HostWith(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        // Two clients with the service's token, as the scheduler has three: each failure is still reported once.
        builder.Services.AddHttpClient("calls-another-service").AddServiceTokenHandler();
        builder.Services.AddHttpClient("calls-a-third-service").AddServiceTokenHandler();
        return builder.Build();
    }

    [Fact]
    public async Task A_host_without_its_client_secret_fails_to_start_naming_the_key_and_its_environment_variable()
    {
        using var host = HostWith(new() { ["ServiceCredential:ClientId"] = "aggregator" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal(["ServiceCredential:ClientSecret (env ServiceCredential__ClientSecret) is required."], error.Failures);
    }

    [Fact]
    public async Task Every_missing_key_is_named_at_once()
    {
        using var host = HostWith([]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal(
            ["ServiceCredential:ClientId (env ServiceCredential__ClientId) is required.",
             "ServiceCredential:ClientSecret (env ServiceCredential__ClientSecret) is required."],
            error.Failures.Order());
    }

    [Fact]
    public async Task A_host_with_its_credential_starts()
    {
        using var host = HostWith(new() { ["ServiceCredential:ClientId"] = "aggregator", ["ServiceCredential:ClientSecret"] = "s3cret" });

        await host.StartAsync(TestContext.Current.CancellationToken);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    private sealed class Limits
    {
        public Bucket Anonymous { get; set; } = new();
    }

    private sealed class Bucket
    {
        [System.ComponentModel.DataAnnotations.Range(1, 100)]
        public int TokenLimit { get; set; }

        [TimeSpanRange("00:00:01", "00:01:00")]
        public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);
    }

    [Fact]
    public void A_value_out_of_range_in_a_nested_section_is_named_by_its_full_key()
    {
        var failures = ConfigurationValidation.Validate(new Limits(), "Gateway");

        Assert.Equal(["Gateway:Anonymous:TokenLimit (env Gateway__Anonymous__TokenLimit): The field TokenLimit must be between 1 and 100."], failures);
    }
}
