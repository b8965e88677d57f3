using FedGan.Contracts;
using FedGan.Contracts.Models;
using FedGan.Tensors;

namespace FedGan.ModelRegistry.Versions;

/// <summary>What a publish request must say on its own, before any stored state is looked at.</summary>
public static class PublishRules
{
    /// <summary>Null when the request is well-formed for <paramref name="version"/>; otherwise the first problem.</summary>
    public static RegistryError? Check(int version, PublishVersionRequest request) =>
        CheckSha256(request.WeightsSha256, "weights_sha256")
        ?? (version == 0 ? CheckInitial(request) : CheckAggregate(version, request))
        ?? CheckNamedValues(request.Metrics, "metrics", "metric name", allowNegative: true);

    public static bool IsSha256(string? value) =>
        value is { Length: 64 } && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private static RegistryError? CheckInitial(PublishVersionRequest request)
    {
        if (request.ParentVersion is not null || request.Round is not null)
        {
            return Invalid("version 0 is the initial model: parent_version and round must be absent.");
        }

        if (request.Contributions is { Count: > 0 } || request.Aggregation is not null || request.EpsilonBySite is { Count: > 0 })
        {
            return Invalid("version 0 is the initial model: no site contributed to it, so contributions, aggregation and epsilon_by_site must be absent.");
        }

        return request.Model is null
            ? Invalid("version 0 needs model: the architecture, the tensor list and the seed of the initial model.")
            : CheckModel(request.Model);
    }

    private static RegistryError? CheckAggregate(int version, PublishVersionRequest request)
    {
        if (request.ParentVersion != version - 1)
        {
            return Invalid($"version {version} must name parent_version {version - 1}: each version is the aggregate applied to the one before.");
        }

        if (request.Round is not >= 1)
        {
            return Invalid($"version {version} needs round: the round (from 1) whose updates it aggregates.");
        }

        if (request.Model is not null)
        {
            return Invalid("model is fixed by version 0; omit it from later versions.");
        }

        if (request.Aggregation is { } aggregation && !ResourceIds.IsValid(aggregation))
        {
            return Invalid($"aggregation '{aggregation}' is not a valid name: {ResourceIds.Description}.");
        }

        return CheckContributions(request.Contributions ?? [])
            ?? CheckNamedValues(request.EpsilonBySite, "epsilon_by_site", "site id", allowNegative: false);
    }

    private static RegistryError? CheckModel(ModelDescription model)
    {
        var architecture = model.Architecture;
        if (architecture is null)
        {
            return Invalid("model.architecture is required.");
        }

        if (architecture.ImageSize < 1 || architecture.Classes < 1 || architecture.LatentDim < 1
            || architecture.GeneratorWidth < 1 || architecture.DiscriminatorWidth < 1)
        {
            return Invalid("model.architecture: image_size, classes, latent_dim, generator_width and discriminator_width must all be positive.");
        }

        if (model.Tensors is not { Count: > 0 })
        {
            return Invalid("model.tensors must list the model's tensors (name and shape).");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in model.Tensors)
        {
            if (tensor is null || string.IsNullOrEmpty(tensor.Name) || tensor.Shape is null)
            {
                return Invalid("every entry of model.tensors needs a name and a shape.");
            }

            if (!names.Add(tensor.Name))
            {
                return Invalid($"model.tensors names '{tensor.Name}' twice.");
            }

            try
            {
                _ = TensorEntry.ElementCountOf(tensor.Shape);
            }
            catch (ArgumentException e)
            {
                return Invalid($"model.tensors '{tensor.Name}': {e.Message}");
            }
        }

        return null;
    }

    private static RegistryError? CheckContributions(IReadOnlyList<Contribution> contributions)
    {
        var sites = new HashSet<string>(StringComparer.Ordinal);
        foreach (var contribution in contributions)
        {
            if (contribution is null || !ResourceIds.IsValid(contribution.SiteId))
            {
                return Invalid($"every contribution needs a valid site_id: {ResourceIds.Description}.");
            }

            if (!sites.Add(contribution.SiteId))
            {
                return Invalid($"site '{contribution.SiteId}' contributes twice.");
            }

            if (contribution.NumSamples < 0 || !(contribution.Weight >= 0) || double.IsPositiveInfinity(contribution.Weight))
            {
                return Invalid($"the contribution of site '{contribution.SiteId}' needs num_samples >= 0 and a finite weight >= 0.");
            }

            if (CheckSha256(contribution.UpdateSha256, $"the update_sha256 of site '{contribution.SiteId}'") is { } bad)
            {
                return bad;
            }
        }

        return null;
    }

    private static RegistryError? CheckNamedValues(IReadOnlyDictionary<string, double>? values, string field, string keyKind, bool allowNegative)
    {
        foreach (var (key, value) in values ?? new Dictionary<string, double>())
        {
            // The same shape as ids: it keeps names unchanged by the snake_case JSON policy.
            if (!ResourceIds.IsValid(key))
            {
                return Invalid($"{field}: '{key}' is not a valid {keyKind}: {ResourceIds.Description}.");
            }

            if (!double.IsFinite(value) || (!allowNegative && value < 0))
            {
                return Invalid($"{field}: the value of '{key}' must be a finite number{(allowNegative ? string.Empty : " >= 0")}.");
            }
        }

        return null;
    }

    private static RegistryError? CheckSha256(string? value, string what) =>
        IsSha256(value) ? null : Invalid($"{what} must be a SHA-256 as 64 lower-case hex digits, not '{value}'.");

    private static RegistryError Invalid(string detail) => RegistryErrors.InvalidRequest(detail);
}
