using FedGan.ModelRegistry.Apis;
using FedGan.ModelRegistry.Extensions;

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
app.MapServiceInfo("modelregistry");
app.MapWeightsApi();
app.MapVersionsApi();
app.MapEvaluationsApi();

app.Run();
