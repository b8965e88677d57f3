using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using FedGan.Cli.Commands.Studies;
using FedGan.Cli.Platform;
using FedGan.Contracts;
using FedGan.Contracts.Models;
using FedGan.Contracts.Studies;
using FedGan.Learning.Data.Dicom;
using FedGan.Learning.Models;
using FedGan.Learning.Sampling;

namespace FedGan.Cli.Commands.Models;

/// <summary>
/// <c>fedgan models sample</c>: draws labelled synthetic images from a registry version (hash-checked)
/// and writes them as PNG, DICOM or NPZ, with a grid and a provenance record beside them.
/// </summary>
public static class ModelsSampleCommand
{
    private sealed record Exported(string StudyId, int Version, string WeightsSha256, string Format, int Images, string Directory, string Provenance, string Grid);

    /// <summary>Above this many images the draw reports its progress on stderr.</summary>
    private const int ProgressThreshold = 2_000;

    /// <summary>The wire contract's names, indented: an auditor reads this file.</summary>
    private static readonly JsonSerializerOptions IndentedJson = new(ContractJson.Options) { WriteIndented = true };

    public static Command Create()
    {
        var study = StudiesCommand.StudyOption();
        var version = new Option<int?>("--version") { Description = "The version (default: the latest)." };
        var perClass = new Option<int>("--per-class") { Description = "Images per class.", DefaultValueFactory = _ => 16 };
        var classes = new Option<string?>("--classes") { Description = "Comma-separated class indices (default: every class of the model)." };
        var format = new Option<SyntheticFormat>("--format") { Description = "png, dicom (Secondary Capture, marked synthetic) or npz (MedMNIST layout).", DefaultValueFactory = _ => SyntheticFormat.Png };
        var output = new Option<string>("--out") { Description = "A new or empty folder for the export.", Required = true };
        var seed = new Option<ulong?>("--seed") { Description = "The draw's seed (default: a random one, recorded in the provenance)." };
        var command = new Command("sample", "Draw labelled synthetic images from a model version into a folder, with a grid and a provenance record.")
        {
            study, version, perClass, classes, format, output, seed,
        };
        return PlatformCommand.WithPlatform(command, async (parsed, platform, cancellationToken) =>
        {
            var studyId = StudiesCommand.StudyId(parsed.GetValue(study)!);
            var count = parsed.GetValue(perClass);
            if (count is < 1 or > 100_000)
                throw new CliUsageException($"--per-class must be between 1 and 100000, not {count}.");
            var directory = EmptyFolder(parsed.GetValue(output)!);

            var manifest = await ModelWeights.ManifestAsync(platform, studyId, parsed.GetValue(version), cancellationToken);
            if (manifest.EpsilonBySite is not { Count: > 0 } epsilon)
                throw new CliUsageException($"Version {manifest.Version} of study {studyId} has no privacy figures in its manifest "
                    + "(version 0 is the untrained initial model); nothing was exported.");
            var architecture = manifest.Model.Architecture.ToGan();
            var drawn = Classes(parsed.GetValue(classes), architecture.Classes);
            var privacy = (await platform.GetAsync<StudySummary>($"scheduler/studies/{studyId}", cancellationToken)).Definition.Privacy;

            var draw = new SyntheticDraw(Name(parsed.GetValue(format)), drawn, count, parsed.GetValue(seed) ?? RandomSeed(), architecture.ImageSize);
            var created = !Directory.Exists(directory);
            Directory.CreateDirectory(directory);
            try
            {
                var files = await ExportAsync(platform, manifest, architecture, draw, parsed.GetValue(format), directory, cancellationToken);
                var provenance = new SyntheticProvenance(studyId, manifest.Version, manifest.WeightsSha256, manifest.ParentVersion, manifest.Round,
                    manifest.Contributions, epsilon, privacy.Delta, privacy.Accountant, privacy.PrivacyUnit, draw,
                    [.. files.Select(f => new SyntheticFile(f.Path, f.Sha256, f.SizeBytes))], CommandLine(), Software(), DateTimeOffset.UtcNow);
                var provenancePath = Path.Combine(directory, SyntheticProvenance.FileName);
                await File.WriteAllTextAsync(provenancePath, JsonSerializer.Serialize(provenance, IndentedJson), cancellationToken);
                return JsonOutput.Write(new Exported(studyId, manifest.Version, manifest.WeightsSha256, draw.Format, drawn.Count * count,
                    directory, provenancePath, Path.Combine(directory, SyntheticExport.GridFile)));
            }
            catch when (created)
            {
                // A half-written export would look like a whole one: leave nothing behind.
                Directory.Delete(directory, recursive: true);
                throw;
            }
        });
    }

    private static async Task<IReadOnlyList<ExportedFile>> ExportAsync(PlatformConnection platform, ModelVersionManifest manifest, GanArchitecture architecture,
        SyntheticDraw draw, SyntheticFormat format, string directory, CancellationToken cancellationToken)
    {
        using var gan = await ModelWeights.LoadGanAsync(platform, manifest, cancellationToken);
        var origin = new SyntheticOrigin(manifest.StudyId, manifest.Version, manifest.WeightsSha256, draw.Seed, Software(), DateTimeOffset.UtcNow);
        var export = new SyntheticExport(directory, format, origin, architecture.ImageSize, label => $"class {label}");
        var total = draw.Classes.Count * draw.PerClass;
        var done = 0;
        var reported = 0;
        foreach (var batch in SyntheticSampler.Draw(gan.Generator, draw.Classes, draw.PerClass, draw.Seed))
        {
            cancellationToken.ThrowIfCancellationRequested();
            export.Add(batch);
            done += batch.Labels.Length;
            if (total >= ProgressThreshold && (done * 10 / total > reported || done == total))
            {
                reported = done * 10 / total;
                await Console.Error.WriteLineAsync($"fedgan: drew {done} of {total} images");
            }
        }

        return export.Complete();
    }

    private static string EmptyFolder(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
            throw new CliUsageException($"--out {full} is a file; an export goes into a new or empty folder.");
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
            throw new CliUsageException($"--out {full} is not empty; an export goes into a new or empty folder, so no file of another export is mixed in.");
        return full;
    }

    private static List<int> Classes(string? list, int modelClasses)
    {
        if (list is null)
            return [.. Enumerable.Range(0, modelClasses)];
        var classes = new List<int>();
        foreach (var part in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var label) || label >= modelClasses)
                throw new CliUsageException($"--classes: '{part}' is not a class of this model (0 to {modelClasses - 1}).");
            if (!classes.Contains(label))
                classes.Add(label);
        }

        return classes.Count > 0 ? classes : throw new CliUsageException("--classes names no class.");
    }

    private static string Name(SyntheticFormat format) => format.ToString().ToLowerInvariant();

    private static ulong RandomSeed() => BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));

    internal static string Software() =>
        "fedgan " + (typeof(ModelsSampleCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");

    /// <summary>The command as typed (credentials come from the environment, never from arguments).</summary>
    private static string CommandLine() =>
        string.Join(' ', ["fedgan", .. Environment.GetCommandLineArgs().Skip(1).Select(arg => arg.Contains(' ') ? $"\"{arg}\"" : arg)]);
}
