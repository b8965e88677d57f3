using System.CommandLine;
using FedGan.Learning;

namespace FedGan.Cli.Commands;

/// <summary><c>fedgan info</c>: the versions this installation runs on.</summary>
public static class InfoCommand
{
    private sealed record Info(string Fedgan, string Runtime, string Torch);

    public static Command Create()
    {
        var command = new Command("info", "Print the versions of FedGan, .NET and libtorch in use.");
        command.SetAction(_ => JsonOutput.Write(new Info(
            typeof(InfoCommand).Assembly.GetName().Version?.ToString() ?? "unknown",
            Environment.Version.ToString(),
            TorchRuntime.Describe())));
        return command;
    }
}
