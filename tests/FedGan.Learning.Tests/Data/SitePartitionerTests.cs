using FedGan.Learning.Data;

namespace FedGan.Learning.Tests.Data;

public class SitePartitionerTests
{
    private const int Classes = 10;
    private const int PerClass = 500;

    /// <summary>5,000 4x4 images; image i has constant intensity (i % 100) / 100 and label i % 10.</summary>
    private static LabeledImages Synthetic()
    {
        var count = Classes * PerClass;
        var pixels = new float[count * 16];
        for (var i = 0; i < count; i++)
            Array.Fill(pixels, (i % 100) / 100f, i * 16, 16);
        var labels = Enumerable.Range(0, count).Select(i => i % Classes).ToArray();
        return new LabeledImages(pixels, labels, 4, 4, Enumerable.Range(0, Classes).Select(c => $"class {c}").ToArray());
    }

    [Fact]
    public void Same_seed_gives_the_same_sites_and_pixels()
    {
        var data = Synthetic();
        var options = new PartitionOptions(Sites: 4, DirichletAlpha: 0.5, Seed: 7);

        var first = SitePartitioner.Partition(data, options);
        var second = SitePartitioner.Partition(data, options);
        var other = SitePartitioner.Partition(data, options with { Seed = 8 });

        for (var s = 0; s < 4; s++)
        {
            Assert.Equal(first[s].SourceIndices, second[s].SourceIndices);
            Assert.Equal(first[s].Images.Pixels, second[s].Images.Pixels);
            Assert.Equal(first[s].Shift, second[s].Shift);
        }
        Assert.NotEqual(first[0].SourceIndices, other[0].SourceIndices);
    }

    [Fact]
    public void Every_image_goes_to_exactly_one_site_with_its_label()
    {
        var data = Synthetic();

        var sites = SitePartitioner.Partition(data, new PartitionOptions(5, 0.3, Seed: 1, AcquisitionShift: false));

        var all = sites.SelectMany(s => s.SourceIndices).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, data.Count), all);
        foreach (var site in sites)
        {
            for (var i = 0; i < site.Images.Count; i++)
            {
                Assert.Equal(data.Labels[site.SourceIndices[i]], site.Images.Labels[i]);
                Assert.Equal(data.Image(site.SourceIndices[i]).ToArray(), site.Images.Image(i).ToArray());
            }
        }
        Assert.Equal(["hospital-1", "hospital-2", "hospital-3", "hospital-4", "hospital-5"], sites.Select(s => s.SiteName));
    }

    [Fact]
    public void Small_alpha_skews_labels_and_large_alpha_keeps_them_near_uniform()
    {
        var data = Synthetic();

        var skewed = MeanTotalVariationFromGlobal(SitePartitioner.Partition(data, new PartitionOptions(5, 0.1, 3, false)));
        var uniform = MeanTotalVariationFromGlobal(SitePartitioner.Partition(data, new PartitionOptions(5, 1000, 3, false)));

        // With alpha = 0.1 most of a class lands on one site, so a site's label mix is far from the
        // global uniform one (TV near 1 - 1/5 for fully separated classes). With alpha = 1000 the
        // share per site has std about sqrt(0.2 * 0.8 / 5001) = 0.006 around 0.2: TV of a few percent.
        Assert.True(skewed > 0.4, $"TV distance for alpha 0.1 was {skewed:F3}");
        Assert.True(uniform < 0.05, $"TV distance for alpha 1000 was {uniform:F3}");
    }

    [Fact]
    public void Rare_class_is_kept_at_its_prevalence_and_spread_over_all_sites()
    {
        var data = Synthetic();
        var options = new PartitionOptions(5, 0.5, Seed: 11, AcquisitionShift: false, RareClass: 3, RareClassPrevalence: 0.01);

        var sites = SitePartitioner.Partition(data, options);

        // 4,500 other images; r / (r + 4500) = 0.01 gives r = 45.45, rounded to 45: 9 per site.
        var rarePerSite = sites.Select(s => s.Images.Labels.Count(l => l == 3)).ToArray();
        Assert.Equal([9, 9, 9, 9, 9], rarePerSite);
        Assert.Equal(4_545, sites.Sum(s => s.Images.Count));
        var assigned = sites.SelectMany(s => s.SourceIndices).ToArray();
        Assert.Equal(assigned.Length, assigned.Distinct().Count());
        Assert.Equal(4_500, assigned.Count(i => data.Labels[i] != 3));
    }

    [Fact]
    public void Each_site_gets_its_own_acquisition_shift_applied_to_its_images()
    {
        var data = Synthetic();

        var sites = SitePartitioner.Partition(data, new PartitionOptions(3, 1.0, Seed: 5));

        Assert.Equal(3, sites.Select(s => s.Shift).Distinct().Count());
        foreach (var site in sites)
        {
            Assert.False(site.Shift.IsIdentity);
            var expected = site.Shift.Apply(data.Subset(site.SourceIndices));
            Assert.Equal(expected.Pixels, site.Images.Pixels);
        }
    }

    [Fact]
    public void Impossible_requests_are_refused_with_a_reason()
    {
        var data = Synthetic();

        Assert.Contains("alpha", Assert.Throws<ArgumentException>(() => SitePartitioner.Partition(data, new PartitionOptions(3, 0, 1))).Message);
        Assert.Contains("site", Assert.Throws<ArgumentException>(() => SitePartitioner.Partition(data, new PartitionOptions(0, 1, 1))).Message);
        Assert.Contains("Rare class 12", Assert.Throws<ArgumentException>(() => SitePartitioner.Partition(data, new PartitionOptions(3, 1, 1, RareClass: 12))).Message);
        Assert.Contains("at least 10", Assert.Throws<ArgumentException>(() => SitePartitioner.Partition(data, new PartitionOptions(1000, 1, 1))).Message);
    }

    [Fact]
    public void Real_fashion_mnist_splits_over_five_hospitals()
    {
        var train = FashionMnist.LoadTrain();

        var sites = SitePartitioner.Partition(train, new PartitionOptions(5, 0.5, Seed: 42, RareClass: 9));

        var assigned = sites.Sum(s => s.Images.Count);
        var rare = sites.Sum(s => s.Images.Labels.Count(l => l == 9));
        // 54,000 other images at 1%: r = 0.01 * 54000 / 0.99 = 545.45 -> 545.
        Assert.Equal(545, rare);
        Assert.Equal(54_545, assigned);
        Assert.All(sites, s => Assert.InRange(s.Images.Labels.Count(l => l == 9), 109, 109));
    }

    private static double MeanTotalVariationFromGlobal(IReadOnlyList<SiteData> sites)
    {
        var total = 0.0;
        foreach (var site in sites)
        {
            var counts = site.Images.ClassCounts();
            total += 0.5 * counts.Sum(c => Math.Abs((double)c / site.Images.Count - 1.0 / Classes));
        }
        return total / sites.Count;
    }
}
