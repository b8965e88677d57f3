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
                .WithEnvironment("EdgeTrainer__SiteId", site)
                // Sites are outside the platform: the gateway is all they know, tokens included.
                .WithEnvironment("EdgeTrainer__Gateway", "https+http://gateway")
                // Each simulated hospital holds its own non-IID share of Fashion-MNIST, on its own disk.
                .WithEnvironment("EdgeTrainer__Data__Source", "fashion-mnist-partition")
                .WithEnvironment("EdgeTrainer__Data__PartitionIndex", index.ToString(CultureInfo.InvariantCulture))
                .WithEnvironment("EdgeTrainer__Data__PartitionSites", count.ToString(CultureInfo.InvariantCulture))
                .WithEnvironment("EdgeTrainer__StateDirectory", LocalTools.DataDirectory(builder, site))
                .WithApprovedStudies(builder.Configuration.GetSection("Hospitals:ApprovedStudies"))
                .WithReference(gateway).WaitFor(gateway)
                .WithHttpHealthCheck("/health"));
        }

        return hospitals;
    }

    /// <summary>
    /// A hospital joins only studies it approved. Hospitals:ApprovedStudies:{studyId}:{ArchitectureSha256|TrainingSha256|MaxEpsilon}
    /// approves a study at every simulated hospital, as a real one does in its edge config file.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithApprovedStudies(this IResourceBuilder<ProjectResource> hospital, IConfigurationSection approvals)
    {
        foreach (var study in approvals.GetChildren())
        {
            foreach (var term in study.GetChildren())
            {
                hospital.WithEnvironment($"EdgeTrainer__ApprovedStudies__{study.Key}__{term.Key}", term.Value);
            }
        }

        return hospital;
    }

    /// <summary>Approves one study at this hospital (its id, architecture hash and largest epsilon budget).</summary>
    public static IResourceBuilder<ProjectResource> WithApprovedStudy(this IResourceBuilder<ProjectResource> hospital,
        string studyId, string architectureSha256, double maxEpsilon) =>
        hospital
            .WithEnvironment($"EdgeTrainer__ApprovedStudies__{studyId}__ArchitectureSha256", architectureSha256)
            .WithEnvironment($"EdgeTrainer__ApprovedStudies__{studyId}__MaxEpsilon", maxEpsilon.ToString(CultureInfo.InvariantCulture));
}
