namespace FedGan.Contracts.Models;

/// <summary>
/// The conditional GAN's shape as a study declares it (mirrors FedGan.Learning's GanArchitecture):
/// equal architectures have equal parameter names and shapes.
/// </summary>
public sealed record ModelArchitecture(
    int ImageSize = 28,
    int Classes = 10,
    int LatentDim = 64,
    int GeneratorWidth = 32,
    int DiscriminatorWidth = 16);

/// <summary>One parameter tensor of the model: its safetensors name and shape (F32 in the registry).</summary>
public sealed record ModelTensor(string Name, int[] Shape);

/// <summary>What version 0 of a study's model is: the architecture, its tensors, and the seed that initialised it.</summary>
public sealed record ModelDescription(ModelArchitecture Architecture, IReadOnlyList<ModelTensor> Tensors, int Seed);
