using System.Globalization;
using FedGan.EdgeTrainer.Extensions;

namespace FedGan.EdgeTrainer.Check;

/// <summary>The check's own options; <c>--config</c> is read by <see cref="EdgeConfiguration"/>.</summary>
public sealed record CheckArguments(int ImageSize, int PerClass)
{
    /// <exception cref="EdgeConfigurationException">An unknown option or a bad value.</exception>
    public static CheckArguments Parse(IReadOnlyList<string> args)
    {
        var imageSize = 28;
        var perClass = 8;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--config":
                    i++;
                    break;
                case var a when a.StartsWith("--config=", StringComparison.Ordinal):
                    break;
                case "--image-size":
                    imageSize = Number(args, ++i, "--image-size", 4, 512);
                    break;
                case "--per-class":
                    perClass = Number(args, ++i, "--per-class", 1, 64);
                    break;
                default:
                    throw new EdgeConfigurationException($"Unknown option '{args[i]}'.");
            }
        }

        return new CheckArguments(imageSize, perClass);
    }

    private static int Number(IReadOnlyList<string> args, int index, string name, int min, int max) =>
        index < args.Count && int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new EdgeConfigurationException($"{name} needs a whole number from {min} to {max}.");
}
