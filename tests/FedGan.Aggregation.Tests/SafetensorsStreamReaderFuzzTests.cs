using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FedGan.Tensors;
using FedGan.Testing;

namespace FedGan.Aggregation.Tests;

/// <summary>Run alone: the test measures the allocations of the whole process, and the reader works on pool threads.</summary>
[CollectionDefinition(nameof(AllocationMeasuring), DisableParallelization = true)]
public sealed class AllocationMeasuring;

/// <summary>
/// The aggregator streams untrusted uploads through <see cref="SafetensorsStreamReader"/>. Seeded
/// mutants of a valid file (bit flips, truncations, other header lengths, edited dtypes, shapes
/// and offsets) must only ever raise the reader's own errors, and never make it allocate for a
/// length the stream does not back.
/// </summary>
[Collection(nameof(AllocationMeasuring))]
public sealed partial class SafetensorsStreamReaderFuzzTests(ITestOutputHelper output)
{
    private const int Mutants = 1000;

    /// <summary>Per mutant: the reader's two blocks and the header it holds, with room to spare, far below what mutants claim.</summary>
    private const long AllocationBound = 4L << 20;

    // Generous limits, as for a large model: the reader must stay bounded by what the stream holds, not by these.
    private const long GenerousHeaderLength = 100_000_000;
    private const long GenerousLength = 1L << 32;

    [Fact]
    public async Task Mutants_raise_only_the_readers_errors_in_bounded_memory()
    {
        var valid = ValidFile();
        var tightHeader = BitConverter.ToInt64(valid, 0) + 64;
        var random = new Random(18);
        var outcomes = new Dictionary<string, int>();
        var foreign = new List<string>();
        long largest = 0;
        var largestMutant = "";

        for (var mutant = 0; mutant < Mutants; mutant++)
        {
            var (bytes, how) = Mutate(valid, random);
            var before = GC.GetTotalAllocatedBytes(precise: true);
            string outcome;
            try
            {
                // Half with the generous limits, half with tight ones as the aggregator sets them from the model's layout.
                var (maxHeader, maxLength) = mutant % 2 == 0 ? (GenerousHeaderLength, GenerousLength) : (tightHeader, valid.Length + 64L);
                await ReadAllAsync(bytes, random.Next(1, 4096), maxHeader, maxLength);
                outcome = "accepted";
            }
            catch (Exception e) when (e is SafetensorsFormatException or PayloadTooLargeException or UnsupportedDTypeException)
            {
                outcome = e.GetType().Name;
            }
            catch (Exception e)
            {
                outcome = "FOREIGN " + e.GetType().Name;
                foreign.Add($"mutant {mutant} ({how}): {e.GetType().Name}: {e.Message}");
            }
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            if (allocated > largest)
                (largest, largestMutant) = (allocated, $"mutant {mutant} ({how})");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        output.WriteLine($"{Mutants} mutants: {string.Join(", ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}"))}");
        output.WriteLine($"largest allocation {largest / 1024.0:F0} KiB, by {largestMutant}");
        Assert.Empty(foreign);
        Assert.InRange(largest, 0, AllocationBound);
        // Flips in the data section leave valid files; most header damage must be caught.
        Assert.InRange(outcomes.GetValueOrDefault("accepted"), 1, Mutants / 2);
    }

    [Fact]
    public async Task A_prefix_claiming_a_long_header_allocates_only_for_the_bytes_that_follow()
    {
        // 8-byte prefix claiming 99 MB of header, followed by 10 bytes.
        byte[] bytes = [.. BitConverter.GetBytes(99_000_000L), .. "{\"a\":{\"dt"u8];

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var error = await Assert.ThrowsAsync<SafetensorsFormatException>(() => ReadAllAsync(bytes, 7, GenerousHeaderLength, GenerousLength));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        output.WriteLine($"{allocated / 1024.0:F0} KiB allocated: {error.Message}");
        Assert.Contains("inside the 99000000-byte header", error.Message);
        Assert.InRange(allocated, 0, 1L << 20);
    }

    /// <summary>Mixed dtypes, odd counts and metadata, so damage can land in every part of a real update.</summary>
    private static byte[] ValidFile()
    {
        using var buffer = new MemoryStream();
        var writer = new SafetensorsWriter(buffer, [new TensorSpec("g.w", [16, 9], TensorDType.F32), new TensorSpec("g.b", [9], TensorDType.F16),
            new TensorSpec("d.w", [3, 5], TensorDType.BF16), new TensorSpec("empty", [0], TensorDType.F32)],
            new Dictionary<string, string> { ["num_samples"] = "120", ["format"] = "pt" });
        foreach (var entry in writer.Layout)
            writer.Write(entry.Name, Enumerable.Range(0, entry.ElementCount).Select(i => (i - 7) / 4f).ToArray());
        return buffer.ToArray();
    }

    private static readonly string[] DTypes = ["F32", "F16", "BF16", "F64", "I64", "U8", "BOOL", "f32", "", "F8_E4M3"];
    private static readonly string[] Numbers =
        ["0", "1", "2", "7", "-1", "2147483647", "2147483648", "4294967296", "9223372036854775807", "18446744073709551615",
         "99999999999999999999999", "1e3", "1.5", "0x10", "null", "[]", "\"4\""];

    private static (byte[] Bytes, string How) Mutate(byte[] valid, Random random)
    {
        var headerLength = (int)BitConverter.ToInt64(valid, 0);
        var json = Encoding.UTF8.GetString(valid, 8, headerLength);
        var data = valid[(8 + headerLength)..];
        switch (random.Next(7))
        {
            case 0:
            {
                var bytes = (byte[])valid.Clone();
                var flips = random.Next(1, 9);
                for (var i = 0; i < flips; i++)
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return (bytes, $"{flips} bit flips");
            }
            case 1:
            {
                var at = random.Next(valid.Length);
                return (valid[..at], $"truncated to {at} bytes");
            }
            case 2:
            {
                long[] lengths = [headerLength + random.Next(-16, 17), random.NextInt64(), 0, 1, 99_999_999, 100_000_001, long.MaxValue, -1,
                    valid.Length, headerLength + data.Length];
                var length = lengths[random.Next(lengths.Length)];
                byte[] bytes = [.. BitConverter.GetBytes(length), .. valid[8..]];
                return (bytes, $"header length {length}");
            }
            case 3:
            {
                var edited = Replace(DTypeValue(), json, _ => $"\"{DTypes[random.Next(DTypes.Length)]}\"", random);
                return (Assemble(edited, data), $"dtype edit {edited}");
            }
            case 4:
            {
                var edited = Replace(ShapeValue(), json, _ => $"[{string.Join(",", Enumerable.Range(0, random.Next(0, 4)).Select(_ => Numbers[random.Next(Numbers.Length)]))}]", random);
                return (Assemble(edited, data), $"shape edit {edited}");
            }
            case 5:
            {
                var edited = Replace(OffsetsValue(), json, m => random.Next(3) switch
                {
                    0 => $"[{Numbers[random.Next(Numbers.Length)]},{Numbers[random.Next(Numbers.Length)]}]",
                    1 => $"[{m.Groups[2].Value},{m.Groups[1].Value}]", // swapped
                    _ => $"[{m.Groups[1].Value},{long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) + random.Next(-8, 9)}]",
                }, random);
                return (Assemble(edited, data), $"offsets edit {edited}");
            }
            default:
            {
                var junk = Enumerable.Range(0, random.Next(1, 64)).Select(_ => (byte)random.Next(256)).ToArray();
                var at = random.Next(8, valid.Length);
                return ([.. valid[..at], .. junk, .. valid[at..]], $"{junk.Length} bytes inserted at {at}");
            }
        }
    }

    /// <summary>Replaces one match of <paramref name="pattern"/> in the header, chosen at random.</summary>
    private static string Replace(Regex pattern, string json, Func<Match, string> replacement, Random random)
    {
        var matches = pattern.Matches(json);
        var match = matches[random.Next(matches.Count)];
        return json[..match.Index] + replacement(match) + json[(match.Index + match.Length)..];
    }

    /// <summary>A file with the edited header and a length prefix that matches it, so the edit reaches the parser.</summary>
    private static byte[] Assemble(string json, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(json);
        return [.. BitConverter.GetBytes((long)header.Length), .. header, .. data];
    }

    [GeneratedRegex("\"(?:F32|F16|BF16)\"")]
    private static partial Regex DTypeValue();

    [GeneratedRegex(@"\[[0-9,]*\](?=,""data_offsets"")|(?<=""shape"":)\[[0-9,]*\]")]
    private static partial Regex ShapeValue();

    [GeneratedRegex(@"\[([0-9]+),([0-9]+)\]")]
    private static partial Regex OffsetsValue();

    private static async Task ReadAllAsync(byte[] bytes, int perRead, long maxHeaderLength, long maxLength)
    {
        await using var reader = await SafetensorsStreamReader.OpenAsync(new TrickleStream(bytes, perRead), maxHeaderLength, maxLength, blockBytes: 64 * 1024);
        while (await reader.ReadNextAsync() is { } chunk)
            _ = reader.Decode(chunk);
        await reader.CompleteAsync();
    }
}
