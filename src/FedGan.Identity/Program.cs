using FedGan.Identity.Apis;
using FedGan.Identity.Extensions;

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
app.MapServiceInfo("identity");
app.MapTokenApi();
app.MapDiscoveryApi();
app.MapClientsApi();
app.MapKeysApi();

app.Run();
