using FedGan.Contracts.Models;

namespace FedGan.ModelRegistry.Versions;

/// <summary>A publish request's result: the version's manifest and whether this request created it, or why it was refused.</summary>
public sealed record PublishOutcome(ModelVersionManifest? Manifest, bool Created, RegistryError? Error)
{
    public static PublishOutcome New(ModelVersionManifest manifest) => new(manifest, true, null);

    public static PublishOutcome Existing(ModelVersionManifest manifest) => new(manifest, false, null);

    public static PublishOutcome Refused(RegistryError error) => new(null, false, error);
}
