using FedGan.Learning.Simulation;
using FedGan.Learning.Training;
using FedGan.Tensors;

namespace FedGan.Learning.Tests.Training;

public class ModelUpdateTests
{
    private static NamedTensor T(string name, params float[] values) => new(name, [values.Length], values);

    [Fact]
    public void Update_is_local_minus_global_per_named_tensor()
    {
        var update = ModelUpdate.Between([T("b", 5, 5), T("a", 1, 2, 3)], [T("a", 1, 1, 1), T("b", 2, 7)]);
        Assert.Equal(new float[] { 0, 1, 2 }, update.Tensors.Single(t => t.Name == "a").Values);
        Assert.Equal(new float[] { 3, -2 }, update.Tensors.Single(t => t.Name == "b").Values);
    }

    [Fact]
    public void Clipping_bounds_the_norm_of_all_tensors_together()
    {
        // Norm of (3, 4 | 12) is 13 (3-4-5 and 5-12-13 triangles): scaled by 6.5 / 13 = 0.5.
        var update = ModelUpdate.From([T("a", 3, 4), T("b", 12)]);
        var clip = update.ClipToNorm(6.5);
        Assert.Equal(13, clip.NormBefore, 1e-9);
        Assert.Equal(new float[] { 1.5f, 2f }, update.Tensors[0].Values);
        Assert.Equal(new float[] { 6f }, update.Tensors[1].Values);
        Assert.Equal(6.5, update.L2Norm(), 1e-6);

        var small = ModelUpdate.From([T("a", 0.3f, 0.4f)]);
        Assert.Equal(1.0, small.ClipToNorm(1).Factor);
        Assert.Equal(new float[] { 0.3f, 0.4f }, small.Tensors[0].Values);
    }

    [Fact]
    public void Mismatched_models_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ModelUpdate.Between([T("a", 1)], [T("b", 1)]));
        Assert.Throws<ArgumentException>(() => ModelUpdate.Between([T("a", 1, 2)], [T("a", 1)]));
        Assert.Throws<ArgumentException>(() => ModelUpdate.From([T("a", 1)]).ClipToNorm(0));
    }

    [Fact]
    public void Update_survives_the_safetensors_wire_format()
    {
        var update = ModelUpdate.From([new NamedTensor("discriminator.critic.weight", [1, 3], [0.5f, -1.25f, 3f])]);
        var parsed = Safetensors.Deserialize(update.ToSafetensors());
        Assert.Equal("discriminator.critic.weight", parsed.Tensors.Single().Name);
        Assert.Equal(new[] { 1, 3 }, parsed.Tensors.Single().Shape);
        Assert.Equal(new float[] { 0.5f, -1.25f, 3f }, parsed.Tensors.Single().Values);
    }

    [Fact]
    public void FedAvg_weights_sites_by_sample_count()
    {
        // (1 x [1, 2] + 3 x [3, 6]) / 4 = [2.5, 5], by hand.
        var averaging = new FederatedAveraging();
        averaging.Add(ModelUpdate.From([T("w", 1, 2)]), 1);
        averaging.Add(ModelUpdate.From([T("w", 3, 6)]), 3);
        var average = averaging.Average();
        Assert.Equal(new float[] { 2.5f, 5f }, average.Tensors[0].Values);

        var next = new ServerStep().Apply([T("w", 10, 10)], average);
        Assert.Equal(new float[] { 12.5f, 15f }, next[0].Values);
    }

    [Fact]
    public void Server_noise_scales_with_the_largest_site_weight()
    {
        // Two sites with weights 1/4 and 3/4, bound S = 2, z = 1: std = 1 x 2 x 3/4 = 1.5 on each
        // of 200,000 zero-mean entries; the sample std's relative standard error is ~0.16 %, so a
        // 1 % tolerance fails by chance with probability far below 1e-9.
        var size = 100_000;
        var averaging = new FederatedAveraging();
        averaging.Add(ModelUpdate.From([new NamedTensor("w", [size], new float[size])]), 1);
        averaging.Add(ModelUpdate.From([new NamedTensor("w", [size], new float[size])]), 3);
        var noisy = averaging.Average(noiseMultiplier: 1, updateClipNorm: 2, GaussianNoise.Seeded(4));
        var values = noisy.Tensors[0].Values.Concat(averaging.Average(1, 2, GaussianNoise.Seeded(5)).Tensors[0].Values).ToArray();
        var std = Math.Sqrt(values.Sum(v => (double)v * v) / values.Length);
        Assert.Equal(1.5, std, 0.015);
    }
}
