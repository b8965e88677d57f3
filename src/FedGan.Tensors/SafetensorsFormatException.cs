namespace FedGan.Tensors;

/// <summary>A safetensors file that breaks the format; the message names the problem (and the tensor, when one is at fault).</summary>
public sealed class SafetensorsFormatException(string message, Exception? inner = null) : Exception(message, inner);
