using Aspire.Hosting.ApplicationModel;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>Wires N simulated hospital edge trainers (Hospitals:Count, default 3) to the gateway.</summary>
public static class SimulatedHospitalExtensions
{
    public const int DefaultHospitalCount = 3;

    public static IReadOnlyList<IResourceBuilder<ProjectResource>> AddSimulatedHospitals(
        this IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> gateway)
    {
        // Hospitals run their own trainers at their sites; only a local stack simulates them.
        var count = builder.ExecutionContext.IsPublishMode ? 0 : builder.Configuration.GetValue("Hospitals:Count", DefaultHospitalCount);
        if (count < 0)
        {
            throw new DistributedApplicationException($"Hospitals:Count must be zero or more, not {count}.");
        }

        var hospitals = new List<IResourceBuilder<ProjectResource>>(count);
        for (var index = 1; index <= count; index++)
        {
            var site = $"hospital-{index}";
            // No launch profile: every hospital gets its own dynamically allocated port.
            hospitals.Add(builder.AddProject<Projects.FedGan_EdgeTrainer>(site, launchProfileName: null)
                .WithHttpEndpoint()
                .WithEnvironment("EdgeTrainer__SiteName", site)
                // Each simulated hospital holds its own non-IID share of Fashion-MNIST, on its own disk.
                .WithEnvironment("EdgeTrainer__Data__Source", "fashion-mnist-partition")
                .WithEnvironment("EdgeTrainer__Data__PartitionIndex", index.ToString(CultureInfo.InvariantCulture))
                .WithEnvironment("EdgeTrainer__Data__PartitionSites", count.ToString(CultureInfo.InvariantCulture))
                .WithEnvironment("EdgeTrainer__StateDirectory", LocalTools.DataDirectory(builder, site))
                .WithReference(gateway).WaitFor(gateway)
                .WithHttpHealthCheck("/health"));
        }

        return hospitals;
    }
}
