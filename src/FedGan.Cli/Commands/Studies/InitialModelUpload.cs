using FedGan.Cli.Commands.Models;
using FedGan.Contracts.Models;
using FedGan.Learning.Models;
using FedGan.Tensors;

namespace FedGan.Cli.Commands.Studies;

/// <summary>Version 0 of a study's model: drawn here from the architecture and seed, then uploaded and published.</summary>
public static class InitialModelUpload
{
    public static (byte[] Weights, ModelDescription Model) Create(ModelArchitecture architecture, int seed)
    {
        var tensors = InitialWeights.Create(architecture.ToGan(), seed);
        var model = new ModelDescription(architecture, tensors.Select(t => new ModelTensor(t.Name, t.Shape)).ToList(), seed);
        return (Safetensors.Serialize(tensors), model);
    }
}
