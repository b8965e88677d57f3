using FedGan.EdgeTrainer.Check;
using FedGan.EdgeTrainer.Extensions;

// `fedgan-edge check`: validate the hospital's setup without joining any round.
if (args is ["check", .. var checkArgs])
{
    return await EdgeCheck.RunAsync(checkArgs, Console.Out);
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
try
{
    builder.Configuration.AddEdgeConfigFile(args);
}
catch (EdgeConfigurationException e)
{
    Console.Error.WriteLine(e.Message);
    return CheckExitCodes.Config;
}

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapServiceInfo("edgetrainer");

try
{
    await app.RunAsync();
}
catch (Microsoft.Extensions.Options.OptionsValidationException e)
{
    // Checked at start: list every problem by key, as `check` does, instead of a stack trace.
    Console.Error.WriteLine("The edge configuration has problems (run `fedgan-edge check` for the full check):");
    foreach (var failure in e.Failures)
    {
        Console.Error.WriteLine($"  - {failure}");
    }

    return CheckExitCodes.Config;
}

return 0;
