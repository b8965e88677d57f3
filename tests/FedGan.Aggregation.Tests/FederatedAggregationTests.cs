using System.Security.Cryptography;
using FedGan.Contracts.Studies;
using FedGan.Tensors;

namespace FedGan.Aggregation.Tests;

public sealed class FederatedAggregationTests : IDisposable
{
    private static readonly TensorSpec[] Specs = [new("z.weight", [4, 3]), new("a.bias", [5])];
    private readonly string _folder = Directory.CreateTempSubdirectory("fedgan-aggregation-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (ITensorFileSource Source, string Sha256, Dictionary<string, float[]> Values) Write(string name, int salt, long? numSamples,
        TensorSpec[]? specs = null)
    {
        specs ??= Specs;
        var values = specs.ToDictionary(s => s.Name, s => Enumerable.Range(0, TensorEntry.ElementCountOf(s.Shape)).Select(i => (i * 3 + salt) % 7 / 16f - 0.2f).ToArray());
        var bytes = Safetensors.Serialize(specs.Select(s => new NamedTensor(s.Name, s.Shape, values[s.Name])),
            numSamples is null ? null : new Dictionary<string, string> { ["num_samples"] = numSamples.ToString()! });
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return (new LocalTensorFile(path), Convert.ToHexStringLower(SHA256.HashData(bytes)), values);
    }

    [Fact]
    public async Task The_result_file_is_what_the_reference_writer_makes_of_base_plus_the_weighted_mean()
    {
        var baseFile = Write("base.safetensors", 0, null);
        var a = Write("a.safetensors", 1, 30);
        var b = Write("b.safetensors", 5, 10);
        var layout = ModelLayout.From(Specs);
        WeightedUpdate[] updates = [new("site-b", 10, b.Sha256, b.Source), new("site-a", 30, a.Sha256, a.Source)];

        var outcome = await FederatedAggregation.RunAsync(new AggregationJob(layout, updates, baseFile.Source, baseFile.Sha256,
            new AggregationSettings(ServerLearningRate: 2), UpdateClipNorm: 1));
        using var written = new MemoryStream();
        await outcome.Weights.WriteToAsync(written);

        var expected = Specs.Select(s => new NamedTensor(s.Name, s.Shape, baseFile.Values[s.Name]
            .Select((x, i) => (float)(x + 2 * (0.75 * a.Values[s.Name][i] + 0.25 * b.Values[s.Name][i]))).ToArray()));
        Assert.Equal(Safetensors.Serialize(expected), written.ToArray());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(written.ToArray())), outcome.Weights.Sha256);
        Assert.Equal(["site-a", "site-b"], outcome.Contributions.Select(c => c.SiteId));
    }

    [Fact]
    public async Task A_model_of_many_blocks_is_base_plus_the_weighted_mean_bit_for_bit()
    {
        // About 1.2 MB per file: several read blocks, and many blocks of rounding and hashing.
        TensorSpec[] specs = [new("conv.weight", [64, 32, 3, 3]), new("fc.weight", [400, 700]), new("fc.bias", [400])];
        var baseFile = Write("base.safetensors", 0, null, specs);
        var a = Write("a.safetensors", 1, 30, specs);
        var b = Write("b.safetensors", 4, 90, specs);
        var layout = ModelLayout.From(specs);

        var outcome = await FederatedAggregation.RunAsync(new AggregationJob(layout,
            [new("site-a", 30, a.Sha256, a.Source), new("site-b", 90, b.Sha256, b.Source)], baseFile.Source, baseFile.Sha256,
            new AggregationSettings(ServerLearningRate: 0.5), UpdateClipNorm: 1));
        using var written = new MemoryStream();
        await outcome.Weights.WriteToAsync(written);

        var expected = specs.Select(s => new NamedTensor(s.Name, s.Shape, baseFile.Values[s.Name]
            .Select((x, i) => (float)(x + 0.5 * (0.25 * a.Values[s.Name][i] + 0.75 * b.Values[s.Name][i]))).ToArray()));
        Assert.Equal(Safetensors.Serialize(expected), written.ToArray());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(written.ToArray())), outcome.Weights.Sha256);
    }

    [Fact]
    public async Task Base_weights_that_are_not_the_recorded_version_stop_the_aggregation_as_a_mismatch()
    {
        var baseFile = Write("base.safetensors", 0, null);
        var a = Write("a.safetensors", 1, 30);
        var b = Write("b.safetensors", 2, 30);
        var layout = ModelLayout.From(Specs);

        var error = await Assert.ThrowsAsync<AggregationInputException>(() => FederatedAggregation.RunAsync(new AggregationJob(layout,
            [new("site-a", 30, a.Sha256, a.Source), new("site-b", 30, b.Sha256, b.Source)], baseFile.Source, new string('0', 64),
            new AggregationSettings(), 1)));

        Assert.Equal(FedGan.Contracts.ErrorCodes.WeightsMismatch, error.Code);
    }

    [Fact]
    public async Task A_staged_update_whose_bytes_changed_since_it_was_accepted_stops_the_aggregation()
    {
        var baseFile = Write("base.safetensors", 0, null);
        var a = Write("a.safetensors", 1, 30);
        var layout = ModelLayout.From(Specs);

        var error = await Assert.ThrowsAsync<AggregationInputException>(() => FederatedAggregation.RunAsync(new AggregationJob(layout,
            [new("site-a", 30, new string('0', 64), a.Source)], baseFile.Source, baseFile.Sha256, new AggregationSettings(), 1)));

        Assert.Equal(FedGan.Contracts.ErrorCodes.StagedUpdateCorrupt, error.Code);
    }

    [Fact]
    public async Task Seven_sites_read_in_parallel_give_the_weighted_mean_whatever_order_they_arrived_in()
    {
        var baseFile = Write("base.safetensors", 0, null);
        var sites = Enumerable.Range(1, 7).Select(i => (Id: $"site-{i}", Samples: 10L * i, File: Write($"u{i}.safetensors", i, 10L * i))).ToList();
        var layout = ModelLayout.From(Specs);
        WeightedUpdate[] Updates(IEnumerable<int> order) =>
            order.Select(i => sites[i]).Select(s => new WeightedUpdate(s.Id, s.Samples, s.File.Sha256, s.File.Source)).ToArray();

        var forward = await FederatedAggregation.RunAsync(new AggregationJob(layout, Updates(Enumerable.Range(0, 7)), baseFile.Source,
            baseFile.Sha256, new AggregationSettings(), UpdateClipNorm: 1));
        var shuffled = await FederatedAggregation.RunAsync(new AggregationJob(layout, Updates([4, 0, 6, 2, 5, 1, 3]), baseFile.Source,
            baseFile.Sha256, new AggregationSettings(), UpdateClipNorm: 1));

        // sum n = 280; site i weighs 10 i / 280.
        foreach (var spec in Specs)
        {
            var offset = layout[spec.Name].Offset;
            for (var j = 0; j < baseFile.Values[spec.Name].Length; j++)
            {
                var mean = sites.Sum(s => s.Samples / 280.0 * s.File.Values[spec.Name][j]);
                Assert.Equal(baseFile.Values[spec.Name][j] + mean, forward.Weights.Values[offset + j], 5);
            }
        }
        Assert.Equal(forward.Weights.Sha256, shuffled.Weights.Sha256);
    }

    [Fact]
    public async Task A_corrupt_update_read_in_the_second_lane_is_reported_as_corrupt_not_as_a_cancellation()
    {
        var baseFile = Write("base.safetensors", 0, null);
        var a = Write("a.safetensors", 1, 30);
        var b = Write("b.safetensors", 2, 30);
        var c = Write("c.safetensors", 3, 30);
        var layout = ModelLayout.From(Specs);

        // In id order: site-a (lane 0), site-b (lane 1, corrupt), site-c (lane 0).
        var error = await Assert.ThrowsAsync<AggregationInputException>(() => FederatedAggregation.RunAsync(new AggregationJob(layout,
            [new("site-a", 30, a.Sha256, a.Source), new("site-b", 30, new string('0', 64), b.Source), new("site-c", 30, c.Sha256, c.Source)],
            baseFile.Source, baseFile.Sha256, new AggregationSettings(), 1)));

        Assert.Equal(FedGan.Contracts.ErrorCodes.StagedUpdateCorrupt, error.Code);
        Assert.Contains(b.Source.Description, error.Message, StringComparison.Ordinal);
    }

    /// <summary>About 1.2 MB per file in F32: several read blocks, and runs far longer than a cache strip.</summary>
    private static readonly TensorSpec[] LargeSpecs = [new("conv.weight", [64, 32, 3, 3]), new("fc.weight", [400, 700]), new("fc.bias", [400])];

    /// <summary>
    /// A file with <paramref name="source"/>'s values whose data section holds the tensors in the
    /// reverse of the order the reference writer uses (dtype, then name), written byte by byte:
    /// what another writer may send.
    /// </summary>
    private (ITensorFileSource Source, string Sha256) WriteReversed(string name, Dictionary<string, float[]> values, TensorSpec[] specs)
    {
        var ordered = specs.OrderByDescending(s => s.Name, StringComparer.Ordinal).ToList();
        var entries = new List<string>();
        long offset = 0;
        foreach (var spec in ordered)
        {
            var end = offset + 4L * values[spec.Name].Length;
            entries.Add($"\"{spec.Name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(',', spec.Shape)}],\"data_offsets\":[{offset},{end}]}}");
            offset = end;
        }
        var json = System.Text.Encoding.UTF8.GetBytes("{" + string.Join(',', entries) + "}");
        using var file = new MemoryStream();
        file.Write(BitConverter.GetBytes((ulong)json.Length));
        file.Write(json);
        foreach (var spec in ordered)
        {
            foreach (var value in values[spec.Name])
                file.Write(BitConverter.GetBytes(value));
        }
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, file.ToArray());
        return (new LocalTensorFile(path), Convert.ToHexStringLower(SHA256.HashData(file.ToArray())));
    }

    [Fact]
    public async Task Updates_in_another_tensor_order_give_the_same_bytes_as_updates_laid_out_alike()
    {
        // Nine sites: each lane reads its updates several at a time, side by side when they are
        // laid out alike; sites 3 and 6 put the tensors in another order, so their groups are read
        // one file after the other instead. Both ways must add the same terms in the same order.
        var baseFile = Write("base.safetensors", 0, null, LargeSpecs);
        var sites = Enumerable.Range(1, 9).Select(i => (Id: $"site-{i}", Samples: 10L * i, File: Write($"u{i}.safetensors", i, 10L * i, LargeSpecs))).ToList();
        var layout = ModelLayout.From(LargeSpecs);
        var alike = sites.Select(s => new WeightedUpdate(s.Id, s.Samples, s.File.Sha256, s.File.Source)).ToArray();
        var mixed = sites.Select(s =>
        {
            if (s.Id is not ("site-3" or "site-6"))
                return new WeightedUpdate(s.Id, s.Samples, s.File.Sha256, s.File.Source);
            var reversed = WriteReversed($"{s.Id}-reversed.safetensors", s.File.Values, LargeSpecs);
            return new WeightedUpdate(s.Id, s.Samples, reversed.Sha256, reversed.Source);
        }).ToArray();

        var sideBySide = await FederatedAggregation.RunAsync(new AggregationJob(layout, alike, baseFile.Source, baseFile.Sha256,
            new AggregationSettings(), UpdateClipNorm: 1));
        var oneByOne = await FederatedAggregation.RunAsync(new AggregationJob(layout, mixed, baseFile.Source, baseFile.Sha256,
            new AggregationSettings(), UpdateClipNorm: 1));

        Assert.Equal(sideBySide.Weights.Sha256, oneByOne.Weights.Sha256);
        // Rounding to float32 hides most differences in the order of the terms; the double sums do not.
        var alikeLanes = (await WeightedMean.SumLanesAsync(layout, alike, new double[layout.Parameters])).Lanes;
        var mixedLanes = (await WeightedMean.SumLanesAsync(layout, mixed, new double[layout.Parameters])).Lanes;
        Assert.Equal(alikeLanes.Count, mixedLanes.Count);
        for (var lane = 0; lane < alikeLanes.Count; lane++)
            Assert.True(alikeLanes[lane].AsSpan().SequenceEqual(mixedLanes[lane]), $"Lane {lane} differs.");
        // sum n = 450; site i weighs 10 i / 450.
        foreach (var spec in LargeSpecs)
        {
            var offset = layout[spec.Name].Offset;
            for (var j = 0; j < baseFile.Values[spec.Name].Length; j += 97)
            {
                var mean = sites.Sum(s => s.Samples / 450.0 * s.File.Values[spec.Name][j]);
                Assert.Equal(baseFile.Values[spec.Name][j] + mean, oneByOne.Weights.Values[offset + j], 5);
            }
        }
    }

    [Fact]
    public async Task Updates_sent_as_float16_are_averaged_at_the_values_float16_holds()
    {
        // Sites 1, 2, 4 and 5 send F16 (one lane reads 1 and 3 and 5, one 2 and 4): lanes with
        // F16 only and with F16 beside F32.
        var baseFile = Write("base.safetensors", 0, null, LargeSpecs);
        var layout = ModelLayout.From(LargeSpecs);
        var sites = Enumerable.Range(1, 5).Select(i =>
        {
            var values = LargeSpecs.ToDictionary(s => s.Name, s => Enumerable.Range(0, TensorEntry.ElementCountOf(s.Shape))
                .Select(k => (k * 7 + i) % 11 / 32f - 0.15f).ToArray());
            var dtype = i == 3 ? TensorDType.F32 : TensorDType.F16;
            var bytes = Safetensors.Serialize(LargeSpecs.Select(s => new NamedTensor(s.Name, s.Shape, values[s.Name])), dtype: dtype);
            var path = Path.Combine(_folder, $"h{i}.safetensors");
            File.WriteAllBytes(path, bytes);
            // What the wire holds: each value rounded to the nearest half-precision number.
            var held = values.ToDictionary(p => p.Key, p => p.Value.Select(v => dtype == TensorDType.F16 ? (float)(Half)v : v).ToArray());
            return (Update: new WeightedUpdate($"site-{i}", 20, Convert.ToHexStringLower(SHA256.HashData(bytes)), new LocalTensorFile(path)), Held: held);
        }).ToList();

        var outcome = await FederatedAggregation.RunAsync(new AggregationJob(layout, sites.Select(s => s.Update).ToArray(), baseFile.Source,
            baseFile.Sha256, new AggregationSettings(), UpdateClipNorm: 1));

        foreach (var spec in LargeSpecs)
        {
            var offset = layout[spec.Name].Offset;
            for (var j = 0; j < baseFile.Values[spec.Name].Length; j += 89)
            {
                var mean = sites.Average(s => (double)s.Held[spec.Name][j]);
                Assert.Equal(baseFile.Values[spec.Name][j] + mean, outcome.Weights.Values[offset + j], 6);
            }
        }
    }

    [Fact]
    public async Task FedAdam_moments_survive_a_write_and_a_read_bit_for_bit()
    {
        var layout = ModelLayout.From(Specs);
        var state = FedAdamState.Initial(layout, 0.01);
        for (var i = 0; i < layout.Parameters; i++)
        {
            state.FirstMoment[i] = i / 3f - 1;
            state.SecondMoment[i] = i * i / 7f + 1e-4f;
        }
        var path = Path.Combine(_folder, "state.safetensors");
        await using (var file = File.Create(path))
            await state.WriteAsync(layout, file);

        var loaded = await FedAdamState.LoadAsync(layout, new LocalTensorFile(path));

        Assert.Equal(state.FirstMoment, loaded.FirstMoment);
        Assert.Equal(state.SecondMoment, loaded.SecondMoment);
        Assert.Equal(state.SecondMoment[0], Safetensors.Load(path)["exp_avg_sq/a.bias"].Values[0]);
    }

    [Fact]
    public void The_noise_seed_depends_on_the_secret_the_study_and_the_round_and_on_nothing_else()
    {
        var secret = "0123456789abcdef0123"u8;

        Assert.Equal(ServerNoise.Seed(secret, "s", 1), ServerNoise.Seed(secret, "s", 1));
        Assert.NotEqual(ServerNoise.Seed(secret, "s", 1), ServerNoise.Seed(secret, "s", 2));
        Assert.NotEqual(ServerNoise.Seed(secret, "s", 1), ServerNoise.Seed(secret, "t", 1));
        Assert.NotEqual(ServerNoise.Seed(secret, "s", 1), ServerNoise.Seed("0123456789abcdef0124"u8, "s", 1));
    }
}
