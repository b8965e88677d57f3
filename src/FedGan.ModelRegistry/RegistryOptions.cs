using System.ComponentModel.DataAnnotations;

namespace FedGan.ModelRegistry;

/// <summary>The registry's storage settings and upload limits (configuration section "ModelRegistry").</summary>
public sealed class RegistryOptions
{
    public const string SectionName = "ModelRegistry";

    /// <summary>The blob container holding weights, manifests and in-flight uploads (Azure's container naming rules).</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$")]
    public string ContainerName { get; set; } = "modelregistry";

    /// <summary>Largest weights file accepted, in bytes; larger uploads get 413.</summary>
    [Range(16, long.MaxValue)]
    public long MaxWeightsBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// Largest safetensors JSON header accepted. The format allows 100 MB; a model's header is a few
    /// hundred bytes per tensor, so 1 MiB leaves room for thousands of tensors.
    /// </summary>
    [Range(64, 100_000_000)]
    public int MaxHeaderBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Size of the blocks an upload is staged in: the memory one upload holds, whatever the file size.
    /// Azure allows 50,000 blocks per blob, so 4 MiB blocks reach 195 GiB.
    /// </summary>
    [Range(64 * 1024, 100 * 1024 * 1024)]
    public int BlockBytes { get; set; } = 4 * 1024 * 1024;
}
