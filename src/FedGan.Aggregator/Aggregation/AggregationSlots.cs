using Microsoft.Extensions.Options;

namespace FedGan.Aggregator.Aggregation;

/// <summary>Bounds the aggregations running at once in this process: each holds a model-sized double buffer.</summary>
public sealed class AggregationSlots(IOptions<AggregatorOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentAggregations);

    public async Task<IDisposable> TakeAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                slots.Release();
        }
    }
}
