using FedGan.ModelRegistry.Storage;
using FedGan.ModelRegistry.Versions;
using FedGan.ModelRegistry.Weights;

namespace FedGan.ModelRegistry.Apis;

public sealed record RegistryServices(ManifestStore Manifests, WeightsStore Weights, WeightsIngest Ingest, VersionPublisher Publisher, EvaluationStore Evaluations);
