using System.CommandLine;
using FedGan.Cli;
using FedGan.Cli.Commands;

var root = new RootCommand("fedgan: train one conditional GAN across hospitals without moving their images.")
{
    InfoCommand.Create(),
};

return await CommandLineHost.RunAsync(root, args);
