using FedGan.PrivacyAccountant.Apis;
using FedGan.PrivacyAccountant.Extensions;

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
app.MapServiceInfo("privacyaccountant");
app.MapBudgetsApi();
app.MapReservationsApi();
app.MapSpendingApi();
app.MapAuditApi();

app.Run();
