using System.Collections.Concurrent;
using System.Text.Json;
using FedGan.Aggregation;
using FedGan.Aggregator.Rounds;
using FedGan.Contracts;
using FedGan.Contracts.Models;
using StackExchange.Redis;

namespace FedGan.Aggregator.Registry;

/// <summary>Layouts already known to this process, by study: a study's model never changes.</summary>
public sealed class ModelLayoutCache
{
    public ConcurrentDictionary<string, ModelLayout> ByStudy { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A study's model layout (the tensors of its version 0): from this process's cache, else from
/// Redis (where the first registration of the study put it, for every replica), else from the registry.
/// </summary>
public sealed class StudyModels(ModelLayoutCache cache, IConnectionMultiplexer redis, ModelRegistryClient registry)
{
    public async Task<Outcome<ModelLayout>> GetAsync(string studyId, CancellationToken cancellationToken)
    {
        if (cache.ByStudy.TryGetValue(studyId, out var known))
            return Outcome<ModelLayout>.Existing(known);

        var database = redis.GetDatabase();
        var stored = await database.StringGetAsync(RoundKeys.Model(studyId));
        IReadOnlyList<ModelTensor> tensors;
        if (stored.HasValue)
        {
            tensors = JsonSerializer.Deserialize<List<ModelTensor>>(stored.ToString(), ContractJson.Options)!;
        }
        else
        {
            var initial = await registry.GetVersionAsync(studyId, 0, cancellationToken);
            if (initial?.Model.Tensors is not { Count: > 0 } fromRegistry)
                return new ServiceError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.VersionNotFound,
                    $"Study '{studyId}' has no version 0 in the model registry: its model must be registered before its rounds.");
            tensors = fromRegistry;
            await database.StringSetAsync(RoundKeys.Model(studyId), JsonSerializer.Serialize(tensors, ContractJson.Options), when: When.NotExists);
        }

        var layout = ModelLayout.From(tensors);
        return Outcome<ModelLayout>.Existing(cache.ByStudy.GetOrAdd(studyId, layout));
    }
}
