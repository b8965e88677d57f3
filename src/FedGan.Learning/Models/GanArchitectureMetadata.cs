using System.Globalization;

namespace FedGan.Learning.Models;

/// <summary>
/// A model file's architecture, as string metadata in its safetensors header, so that a saved
/// GAN can be rebuilt from the file alone (the tensors' shapes do not say the latent size apart
/// from the number of classes).
/// </summary>
public static class GanArchitectureMetadata
{
    private const string Prefix = "fedgan.architecture.";

    public static IReadOnlyDictionary<string, string> ToMetadata(GanArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return new Dictionary<string, string>
        {
            [Prefix + "image_size"] = Format(architecture.ImageSize),
            [Prefix + "classes"] = Format(architecture.Classes),
            [Prefix + "latent_dim"] = Format(architecture.LatentDim),
            [Prefix + "generator_width"] = Format(architecture.GeneratorWidth),
            [Prefix + "discriminator_width"] = Format(architecture.DiscriminatorWidth),
            [Prefix + "generator_class_norm"] = Format(architecture.GeneratorClassNorm),
            [Prefix + "discriminator_norm"] = Format(architecture.DiscriminatorNorm),
        };
    }

    /// <summary>The architecture written by <see cref="ToMetadata"/>; throws <see cref="ArgumentException"/> naming what is missing or malformed.</summary>
    public static GanArchitecture FromMetadata(IReadOnlyDictionary<string, string>? metadata)
    {
        int Read(string key)
        {
            if (metadata is null || !metadata.TryGetValue(Prefix + key, out var text))
                throw new ArgumentException($"The file does not say its GAN architecture (no '{Prefix + key}' in its metadata); it was not saved by fedgan lab.");
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new ArgumentException($"'{Prefix + key}' in the file's metadata is '{text}', not a whole number.");
        }

        // Files written before these switches existed do not have their keys: off.
        return new GanArchitecture(Read("image_size"), Read("classes"), Read("latent_dim"), Read("generator_width"), Read("discriminator_width"),
            ReadSwitch(metadata, "generator_class_norm"), ReadSwitch(metadata, "discriminator_norm")).Validate();
    }

    private static bool ReadSwitch(IReadOnlyDictionary<string, string>? metadata, string key)
    {
        if (metadata?.TryGetValue(Prefix + key, out var flag) != true)
            return false;
        return flag switch
        {
            "true" => true,
            "false" => false,
            _ => throw new ArgumentException($"'{Prefix}{key}' in the file's metadata is '{flag}', not true or false."),
        };
    }

    private static string Format(bool value) => value ? "true" : "false";

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
