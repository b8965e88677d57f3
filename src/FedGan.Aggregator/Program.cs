using FedGan.Aggregator.Apis;
using FedGan.Aggregator.Extensions;

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
app.MapServiceInfo("aggregator");
app.MapRoundsApi();
app.MapUpdatesApi();
app.MapAggregationApi();

app.Run();
