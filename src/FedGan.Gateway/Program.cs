using FedGan.Gateway.Edge;
using FedGan.Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApiConventions();
builder.AddFedGanAuthentication();
builder.AddApplicationServices();

var app = builder.Build();

app.UseApiConventions();
app.UseEdgeProtection();
app.MapDefaultEndpoints();
app.MapServiceInfo("gateway");
app.MapReverseProxy();

app.Run();
