using FedGan.RoundScheduler.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddDefaultOpenApi();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapDefaultOpenApi();
app.MapServiceInfo("roundscheduler");

app.Run();
