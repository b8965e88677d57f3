namespace FedGan.Learning.Data;

/// <summary>
/// How to split one labelled data set over simulated hospitals.
/// <paramref name="DirichletAlpha"/>: label skew, small (0.1) = each site sees few classes, large (100) = near uniform.
/// <paramref name="AcquisitionShift"/>: give each site its own contrast, brightness, noise and blur.
/// <paramref name="RareClass"/>: a label kept at <paramref name="RareClassPrevalence"/> of all assigned images
/// and spread evenly (thinly) over the sites; its other images are left out.
/// </summary>
public sealed record PartitionOptions(
    int Sites,
    double DirichletAlpha,
    int Seed,
    bool AcquisitionShift = true,
    int? RareClass = null,
    double RareClassPrevalence = 0.01)
{
    /// <summary>
    /// Fewest images a site may get; proportions are redrawn until every site has this many
    /// (as in Li et al., "Federated Learning on Non-IID Data Silos", 2022, whose NIID-Bench uses 10).
    /// </summary>
    public int MinImagesPerSite { get; init; } = 10;
}

/// <summary>One simulated hospital's data: its images (acquisition shift already applied) and the shift used.</summary>
public sealed record SiteData(string SiteName, LabeledImages Images, AcquisitionShift Shift)
{
    /// <summary>For each image of <see cref="Images"/>, its index in the data set that was partitioned.</summary>
    public IReadOnlyList<int> SourceIndices { get; init; } = [];
}
