using FedGan.RoundScheduler.Rounds;
using FedGan.RoundScheduler.Studies;

namespace FedGan.RoundScheduler.Apis;

public sealed record SchedulerServices(StudyStore Store, StudyCatalog Catalog, RoundLifecycle Lifecycle, TaskBoard Tasks, RoundDeclines Declines, RoundResolutions Resolutions);
