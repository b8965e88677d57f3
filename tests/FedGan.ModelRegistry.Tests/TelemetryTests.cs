using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using FedGan.Contracts.Models;
using FedGan.Tensors;

namespace FedGan.ModelRegistry.Tests;

public class TelemetryTests(RegistryStack stack)
{
    [Fact]
    public async Task Publishing_is_a_span_and_versions_and_weight_bytes_are_counted()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var tracing = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "FedGan",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(tracing);
        var measurements = new ConcurrentQueue<(string Instrument, long Value)>();
        using var metrics = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "FedGan" && instrument.Name.StartsWith("fedgan.registry.", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        metrics.SetMeasurementEventCallback<long>((instrument, value, _, _) => measurements.Enqueue((instrument.Name, value)));
        metrics.Start();

        // Sizes no other test uses, so its measurements are recognisable among concurrent tests'.
        var registry = stack.Service.Coordinator();
        var study = RegistryClient.NewStudy();
        await stack.EnrollAsync(study, "hospital-1");
        var file = Safetensors.Serialize([new NamedTensor("w", [777], new float[777])]);
        var sha = await registry.UploadOkAsync(study, file);
        await registry.PublishOkAsync(study, 0, new PublishVersionRequest(sha, null, null,
            new ModelDescription(new ModelArchitecture(), [new ModelTensor("w", [777])], 3), null, null, null, null));
        var range = new HttpRequestMessage(HttpMethod.Get, $"/studies/{study}/versions/0/weights") { Headers = { Range = new RangeHeaderValue(10, 342) } };
        var download = await stack.Service.Site("hospital-1").Http.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, download.StatusCode);
        Assert.Equal(333, (await download.Content.ReadAsByteArrayAsync()).Length);

        var publish = Assert.Single(spans, s => s.OperationName == "registry.publish_version" && (string?)s.GetTagItem("fedgan.study") == study);
        Assert.Equal(0, publish.GetTagItem("fedgan.version"));
        Assert.Equal("created", publish.GetTagItem("fedgan.outcome"));
        Assert.Single(spans, s => s.OperationName == "registry.upload_weights" && (string?)s.GetTagItem("fedgan.weights.sha256") == sha);
        Assert.Contains(("fedgan.registry.weights.uploaded", (long)file.Length), measurements);
        Assert.Contains(("fedgan.registry.versions.published", 1L), measurements);
        // The download counter reports when the response completes, just after the client has it.
        await WaitUntilAsync(() => measurements.Contains(("fedgan.registry.weights.downloaded", 333L)));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var attempt = 0; attempt < 100 && !condition(); attempt++)
        {
            await Task.Delay(20);
        }

        Assert.True(condition());
    }
}
