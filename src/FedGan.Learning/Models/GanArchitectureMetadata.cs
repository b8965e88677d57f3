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
            [Prefix + "generator_class_norm"] = architecture.GeneratorClassNorm ? "true" : "false",
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

        // Files written before G could take the label in its norms do not have the key: plain G.
        var classNorm = false;
        if (metadata?.TryGetValue(Prefix + "generator_class_norm", out var flag) == true)
        {
            classNorm = flag switch
            {
                "true" => true,
                "false" => false,
                _ => throw new ArgumentException($"'{Prefix}generator_class_norm' in the file's metadata is '{flag}', not true or false."),
            };
        }

        return new GanArchitecture(Read("image_size"), Read("classes"), Read("latent_dim"), Read("generator_width"), Read("discriminator_width"), classNorm).Validate();
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
