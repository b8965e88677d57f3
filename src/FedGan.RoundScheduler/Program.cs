using FedGan.RoundScheduler.Apis;
using FedGan.RoundScheduler.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApiConventions();
builder.AddDefaultOpenApi();
builder.AddApplicationServices();
builder.AddFedGanAuthentication();

var app = builder.Build();

app.UseApiConventions();
app.MapDefaultEndpoints();
app.MapDefaultOpenApi();
app.MapServiceInfo("roundscheduler");
app.MapStudiesApi();
app.MapRoundsApi();
app.MapTasksApi();

app.Run();
