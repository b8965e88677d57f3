using FedGan.Aggregator.Aggregation;
using FedGan.Aggregator.Registry;
using FedGan.Aggregator.Rounds;
using FedGan.Aggregator.Uploads;
using Microsoft.Extensions.Options;

namespace FedGan.Aggregator.Apis;

public sealed record AggregatorServices(
    RoundStore Rounds,
    StudyModels Models,
    UpdateIntake Intake,
    RoundAggregator Aggregator,
    IOptions<AggregatorOptions> Options);
