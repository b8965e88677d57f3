using FedGan.Tensors;
using TorchSharp;

namespace FedGan.Learning.Models;

/// <summary>
/// Version 0 of a study's model: the GAN's own initialisation drawn from a seed, so that anyone
/// holding the architecture and the seed can recreate (and check) the published bytes.
/// </summary>
public static class InitialWeights
{
    private static readonly Lock GlobalGenerator = new();

    public static IReadOnlyList<NamedTensor> Create(GanArchitecture architecture, int seed)
    {
        // Module constructors draw from torch's process-wide generator: hold it while we use it.
        lock (GlobalGenerator)
        {
            torch.manual_seed(seed);
            using var model = new ConditionalGan(architecture);
            return ModelTensors.Export(model);
        }
    }
}
