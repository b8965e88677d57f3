namespace FedGan.Learning.Data;

/// <summary>
/// Splits one data set over K simulated hospitals, non-IID as in the federated learning
/// literature (Hsu, Qi and Brown, 2019): for each class, the share each site gets is drawn from a
/// symmetric Dirichlet(alpha). Each site then gets its own acquisition shift. Deterministic for a
/// seed; every image is assigned to exactly one site, except rare-class images beyond the
/// requested prevalence, which are left out.
/// </summary>
public static class SitePartitioner
{
    private const int MaxDirichletAttempts = 1000;
    private const int PartitionStream = 0;
    private const int ShiftStreamBase = 1_000_000;

    public static IReadOnlyList<SiteData> Partition(LabeledImages data, PartitionOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        Validate(data, options);

        var random = new Random(SeedSequence.Derive(options.Seed, PartitionStream));
        var byClass = IndicesByClass(data, random);
        var sites = Enumerable.Range(0, options.Sites).Select(_ => new List<int>()).ToArray();

        if (options.RareClass is { } rare)
        {
            SpreadRareClass(byClass[rare], KeptRareCount(data, options), sites, random);
            byClass[rare] = [];
        }
        AssignWithDirichlet(byClass, sites, options, random);

        var result = new SiteData[options.Sites];
        for (var s = 0; s < options.Sites; s++)
        {
            RandomDraws.Shuffle(random, sites[s]);
            var shift = options.AcquisitionShift
                ? AcquisitionShift.Draw(new Random(SeedSequence.Derive(options.Seed, ShiftStreamBase + s)))
                : AcquisitionShift.None;
            result[s] = new SiteData(SiteName(s), shift.Apply(data.Subset(sites[s])), shift)
            {
                SourceIndices = sites[s].ToArray(),
            };
        }
        return result;
    }

    /// <summary>Site names as the AppHost gives its simulated hospitals: hospital-1 .. hospital-K.</summary>
    public static string SiteName(int siteIndex) => $"hospital-{siteIndex + 1}";

    /// <summary>
    /// How many rare-class images make them <see cref="PartitionOptions.RareClassPrevalence"/> of
    /// all assigned images: r / (r + n) = p gives r = p n / (1 - p), n the other classes' count.
    /// </summary>
    public static int KeptRareCount(LabeledImages data, PartitionOptions options)
    {
        if (options.RareClass is not { } rare)
            return 0;
        var available = data.Labels.Count(l => l == rare);
        var others = data.Count - available;
        var wanted = (int)Math.Round(options.RareClassPrevalence * others / (1 - options.RareClassPrevalence));
        return Math.Min(wanted, available);
    }

    private static void Validate(LabeledImages data, PartitionOptions options)
    {
        if (options.Sites < 1)
            throw new ArgumentException($"At least one site is needed, not {options.Sites}.", nameof(options));
        if (!(options.DirichletAlpha > 0) || !double.IsFinite(options.DirichletAlpha))
            throw new ArgumentException($"The Dirichlet alpha must be a positive number, not {options.DirichletAlpha}.", nameof(options));
        if (options.MinImagesPerSite < 0)
            throw new ArgumentException($"MinImagesPerSite cannot be negative ({options.MinImagesPerSite}).", nameof(options));
        if (options.RareClass is { } rare)
        {
            if ((uint)rare >= (uint)data.ClassNames.Count)
                throw new ArgumentException($"Rare class {rare} is not one of the {data.ClassNames.Count} classes.", nameof(options));
            if (!(options.RareClassPrevalence > 0 && options.RareClassPrevalence < 1))
                throw new ArgumentException($"The rare-class prevalence must lie strictly between 0 and 1, not {options.RareClassPrevalence}.", nameof(options));
        }
        var assignable = data.Count - (options.RareClass is { } r ? data.Labels.Count(l => l == r) - KeptRareCount(data, options) : 0);
        if ((long)options.Sites * options.MinImagesPerSite > assignable)
            throw new ArgumentException(
                $"{assignable} images cannot give each of {options.Sites} sites at least {options.MinImagesPerSite}.", nameof(options));
    }

    private static List<int>[] IndicesByClass(LabeledImages data, Random random)
    {
        var byClass = Enumerable.Range(0, data.ClassNames.Count).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < data.Count; i++)
            byClass[data.Labels[i]].Add(i);
        foreach (var indices in byClass)
            RandomDraws.Shuffle(random, indices);
        return byClass;
    }

    // Round-robin from a random first site: every site gets floor(r/K) or ceil(r/K) rare images.
    private static void SpreadRareClass(List<int> shuffledRare, int keep, List<int>[] sites, Random random)
    {
        var start = random.Next(sites.Length);
        for (var i = 0; i < keep; i++)
            sites[(start + i) % sites.Length].Add(shuffledRare[i]);
    }

    private static void AssignWithDirichlet(List<int>[] byClass, List<int>[] sites, PartitionOptions options, Random random)
    {
        var rareCounts = sites.Select(s => s.Count).ToArray();
        for (var attempt = 0; attempt < MaxDirichletAttempts; attempt++)
        {
            var cuts = byClass.Select(indices => Cuts(RandomDraws.SymmetricDirichlet(random, options.DirichletAlpha, sites.Length), indices.Count)).ToArray();
            var sizes = (int[])rareCounts.Clone();
            foreach (var classCuts in cuts)
                for (var s = 0; s < sites.Length; s++)
                    sizes[s] += classCuts[s + 1] - classCuts[s];
            if (sizes.Min() < options.MinImagesPerSite)
                continue;
            for (var c = 0; c < byClass.Length; c++)
                for (var s = 0; s < sites.Length; s++)
                    sites[s].AddRange(byClass[c].GetRange(cuts[c][s], cuts[c][s + 1] - cuts[c][s]));
            return;
        }
        throw new ArgumentException(
            $"After {MaxDirichletAttempts} Dirichlet({options.DirichletAlpha}) draws some site still had fewer than " +
            $"{options.MinImagesPerSite} images: use fewer sites, a larger alpha or a smaller MinImagesPerSite.", nameof(options));
    }

    /// <summary>Boundaries splitting <paramref name="count"/> items by the given proportions: cut[s] = round(count * cumulative share).</summary>
    private static int[] Cuts(double[] proportions, int count)
    {
        var cuts = new int[proportions.Length + 1];
        double cumulative = 0;
        for (var s = 0; s < proportions.Length; s++)
        {
            cumulative += proportions[s];
            cuts[s + 1] = s == proportions.Length - 1 ? count : Math.Min(count, (int)Math.Round(cumulative * count));
        }
        return cuts;
    }
}
