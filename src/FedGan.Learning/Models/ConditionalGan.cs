using TorchSharp;
using static TorchSharp.torch;

namespace FedGan.Learning.Models;

/// <summary>
/// The model a federation trains: generator and discriminator under one module, so every
/// parameter has one stable name ("generator.project.weight", "discriminator.conv1.bias", ...)
/// that is also its tensor name on the wire.
/// </summary>
public sealed class ConditionalGan : nn.Module
{
    /// <summary>Fresh weights drawn from torch's global generator (seed it with torch.manual_seed to repeat them).</summary>
    public ConditionalGan(GanArchitecture architecture) : base("conditional_gan")
    {
        Architecture = architecture.Validate();
        Generator = new ConditionalGenerator(architecture);
        Discriminator = new ProjectionDiscriminator(architecture);
        register_module("generator", Generator);
        register_module("discriminator", Discriminator);
    }

    public GanArchitecture Architecture { get; }

    public ConditionalGenerator Generator { get; }

    public ProjectionDiscriminator Discriminator { get; }

    /// <summary>Copies every parameter value from <paramref name="source"/>, which must share the architecture.</summary>
    public void CopyFrom(ConditionalGan source)
    {
        if (source.Architecture != Architecture)
            throw new ArgumentException($"Cannot copy weights between architectures {source.Architecture} and {Architecture}.");
        using var noGrad = no_grad();
        var sourceParameters = source.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in named_parameters())
            parameter.copy_(sourceParameters[name]);
    }
}
