using System.CommandLine;
using FedGan.Cli;
using FedGan.Cli.Commands;
using FedGan.Cli.Commands.Bench;
using FedGan.Cli.Commands.Lab;
using FedGan.Cli.Commands.Privacy;
using FedGan.Learning;

TorchRuntime.PreferPassiveThreadWaiting();

var root = new RootCommand("fedgan: train one conditional GAN across hospitals without moving their images.")
{
    InfoCommand.Create(),
    PrivacyCommand.Create(),
    BenchCommand.Create(),
    LabCommand.Create(),
};

return await CommandLineHost.RunAsync(root, args);
