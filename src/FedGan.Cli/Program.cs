using System.CommandLine;
using FedGan.Cli;
using FedGan.Cli.Commands;
using FedGan.Cli.Commands.Bench;
using FedGan.Cli.Commands.Lab;
using FedGan.Cli.Commands.Privacy;
using FedGan.Cli.Commands.Models;
using FedGan.Cli.Commands.Rounds;
using FedGan.Cli.Commands.Sites;
using FedGan.Cli.Commands.Studies;
using FedGan.Learning;

// Benchmarks measure compute and are meant for a quiet machine, where libtorch's default
// (threads spin briefly before sleeping) is what a dedicated edge trainer gets; everything else
// shares its cores with the local stack and sleeps instead of spinning.
if (args is not ["bench", ..])
    TorchRuntime.PreferPassiveThreadWaiting();

var root = new RootCommand("fedgan: train one conditional GAN across hospitals without moving their images.")
{
    InfoCommand.Create(),
    PrivacyCommand.Create(),
    BenchCommand.Create(),
    LabCommand.Create(),
    SitesCommand.Create(),
    StudiesCommand.Create(),
    RoundsCommand.Create(),
    ModelsCommand.Create(),
};

return await CommandLineHost.RunAsync(root, args);
