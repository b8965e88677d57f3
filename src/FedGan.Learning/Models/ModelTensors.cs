using FedGan.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace FedGan.Learning.Models;

/// <summary>
/// Converts a module's state (parameters and any buffers) to and from named float tensors, named
/// exactly as the module names them, so a model's safetensors file opens in PyTorch as its
/// state_dict. Import is strict: the names, and each tensor's shape, must match the module's.
/// </summary>
public static class ModelTensors
{
    public static IReadOnlyList<NamedTensor> Export(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var noGrad = no_grad();
        return module.state_dict()
            .Select(entry =>
            {
                using var values = entry.Value.detach().to(float32).contiguous();
                return new NamedTensor(entry.Key, values.shape.Select(d => checked((int)d)).ToArray(), values.data<float>().ToArray());
            })
            .ToArray();
    }

    public static void Import(nn.Module module, IReadOnlyList<NamedTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(tensors);
        var state = module.state_dict();
        var given = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
            if (!given.TryAdd(tensor.Name, tensor))
                throw new ArgumentException($"Tensor '{tensor.Name}' appears twice.");

        var missing = state.Keys.Where(name => !given.ContainsKey(name)).ToArray();
        var unexpected = given.Keys.Where(name => !state.ContainsKey(name)).ToArray();
        if (missing.Length > 0 || unexpected.Length > 0)
            throw new ArgumentException(
                $"The tensors do not fit the model: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}].");

        using var noGrad = no_grad();
        foreach (var (name, target) in state)
        {
            var source = given[name];
            var shape = target.shape.Select(d => (int)d).ToArray();
            if (!shape.SequenceEqual(source.Shape))
                throw new ArgumentException(
                    $"Tensor '{name}' has shape [{string.Join(", ", source.Shape)}], the model needs [{string.Join(", ", shape)}].");
            using var values = tensor(source.Values).reshape(target.shape);
            target.copy_(values);
        }
    }

    public static void Save(nn.Module module, string path, IReadOnlyDictionary<string, string>? metadata = null, TensorDType dtype = TensorDType.F32) =>
        Safetensors.Save(path, Export(module), metadata, dtype);

    public static void Load(nn.Module module, string path) => Import(module, Safetensors.Load(path).Tensors);
}
