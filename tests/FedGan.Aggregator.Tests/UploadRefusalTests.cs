using System.Net;
using System.Text;
using FedGan.Contracts;
using FedGan.Contracts.Updates;
using FedGan.Tensors;

namespace FedGan.Aggregator.Tests;

/// <summary>Every refusal of an upload, each with a hand-made update, and what a refusal leaves behind (nothing).</summary>
public class UploadRefusalTests(Stack stack)
{
    private readonly AggregatorClient _client = stack.AggregatorClient();

    private async Task<TestModel> OpenRoundAsync(double clipNorm = 1.0)
    {
        var model = await TestModel.PublishAsync(stack);
        await model.RegisterAsync(stack, 1, ["site-a", "site-b"], clipNorm: clipNorm);
        return model;
    }

    private async Task<string> RefusedAsync(TestModel model, byte[] file, HttpStatusCode status, string code, string site = "site-a")
    {
        var detail = await AggregatorClient.ExpectProblemAsync(await _client.UploadAsync(model.Study, 1, site, file), status, code);
        Assert.Empty(await _client.ReceiptsAsync(model.Study, 1));
        return detail;
    }

    [Fact]
    public async Task An_upload_to_a_round_that_was_never_registered_is_not_found()
    {
        var model = await TestModel.PublishAsync(stack);

        var response = await _client.UploadAsync(model.Study, 3, "site-a", model.UpdateFile(model.Update(1), 5));

        await AggregatorClient.ExpectProblemAsync(response, HttpStatusCode.NotFound, ErrorCodes.RoundNotFound);
    }

    [Fact]
    public async Task A_site_not_admitted_to_the_round_is_forbidden()
    {
        var model = await OpenRoundAsync();

        await RefusedAsync(model, model.UpdateFile(model.Update(1), 5), HttpStatusCode.Forbidden, ErrorCodes.SiteNotAdmitted, site: "site-z");
    }

    [Fact]
    public async Task An_update_arriving_after_the_deadline_is_refused()
    {
        var model = await TestModel.PublishAsync(stack);
        var deadline = stack.Clock.GetUtcNow().AddMinutes(30);
        await AggregatorClient.ExpectAsync(await _client.RegisterAsync(model.Study, 1, model.Registration(["site-a", "site-b"], deadline)), HttpStatusCode.Created);
        await _client.UploadOkAsync(model.Study, 1, "site-b", model.UpdateFile(model.Update(2), 5));

        stack.Clock.Advance(TimeSpan.FromMinutes(31));
        var detail = await AggregatorClient.ExpectProblemAsync(
            await _client.UploadAsync(model.Study, 1, "site-a", model.UpdateFile(model.Update(1), 5)), HttpStatusCode.Conflict, ErrorCodes.RoundClosed);

        Assert.Contains("deadline", detail);
        Assert.Equal(["site-b"], (await _client.ReceiptsAsync(model.Study, 1)).Select(r => r.SiteId));
    }

    [Fact]
    public async Task No_upload_is_accepted_once_the_aggregation_has_closed_the_round()
    {
        var model = await OpenRoundAsync();
        await _client.UploadOkAsync(model.Study, 1, "site-a", model.UpdateFile(model.Update(1), 5));
        var result = await _client.AggregateOkAsync(model.Study, 1);

        var late = await _client.UploadAsync(model.Study, 1, "site-b", model.UpdateFile(model.Update(2), 5));

        await AggregatorClient.ExpectProblemAsync(late, HttpStatusCode.Conflict, ErrorCodes.RoundClosed);
        Assert.Equal(["site-a"], (await _client.ReceiptsAsync(model.Study, 1)).Select(r => r.SiteId));
        Assert.Equal(["site-a"], result.Contributions.Select(c => c.SiteId));
    }

    [Fact]
    public async Task A_declared_length_above_what_an_update_of_this_model_can_be_is_refused_before_the_body_is_read()
    {
        var model = await OpenRoundAsync();
        var body = new EndlessStream(limit: 64L << 20);
        var content = new StreamContent(body);
        content.Headers.ContentLength = 64L << 20;

        var response = await _client.UploadAsync(model.Study, 1, "site-a", content).WaitAsync(TimeSpan.FromSeconds(60));

        await AggregatorClient.ExpectProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ErrorCodes.UpdateTooLarge);
        Assert.Equal(0, stack.BodyReads.Of($"/studies/{model.Study}/rounds/1/updates/site-a"));
    }

    [Fact]
    public async Task A_body_without_length_that_grows_past_the_bound_is_cut_off_there()
    {
        var model = await OpenRoundAsync();
        // A valid update followed by endless bytes: the aggregator must stop at its bound, not at the end.
        var valid = model.UpdateFile(model.Update(1), 5);
        var body = new EndlessStream(prefix: valid, limit: 64L << 20);

        var response = await _client.UploadChunkedAsync(model.Study, 1, "site-a", body).WaitAsync(TimeSpan.FromSeconds(60));

        await AggregatorClient.ExpectProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ErrorCodes.UpdateTooLarge);
        // The bound is a few header kilobytes plus 26 values: far below the 64 MiB offered.
        Assert.InRange(stack.BodyReads.Of($"/studies/{model.Study}/rounds/1/updates/site-a"), valid.Length + 1, 64 * 1024);
    }

    [Theory]
    [InlineData("wrong shape")]
    [InlineData("missing tensor")]
    [InlineData("extra tensor")]
    [InlineData("F64 dtype")]
    public async Task An_update_that_is_not_this_models_shape_is_refused(string defect)
    {
        var model = await OpenRoundAsync();
        var tensors = model.Tensors.Select(t => new NamedTensor(t.Name, t.Shape, new float[TestModel.Count(t)])).ToList();
        var metadata = new Dictionary<string, string> { [UpdateMetadata.NumSamples] = "5" };
        var file = defect switch
        {
            "wrong shape" => Safetensors.Serialize(tensors.Select(t => t.Name == "d.weight" ? new NamedTensor(t.Name, [4, 3], t.Values) : t), metadata),
            "missing tensor" => Safetensors.Serialize(tensors.Where(t => t.Name != "d.bias"), metadata),
            "extra tensor" => Safetensors.Serialize([.. tensors, new NamedTensor("images", [2], [0.1f, 0.2f])], metadata),
            _ => HandMade("{\"__metadata__\":{\"num_samples\":\"5\"},\"d.weight\":{\"dtype\":\"F64\",\"shape\":[3,4],\"data_offsets\":[0,96]}}", new byte[96]),
        };

        var detail = await RefusedAsync(model, file, HttpStatusCode.UnprocessableEntity, ErrorCodes.UpdateShapeMismatch);

        Assert.Contains(defect switch { "wrong shape" => "[4, 3]", "missing tensor" => "d.bias", "extra tensor" => "images", _ => "F64" }, detail);
    }

    [Theory]
    [InlineData(float.NaN, TensorDType.F32)]
    [InlineData(float.PositiveInfinity, TensorDType.F16)]
    [InlineData(float.NegativeInfinity, TensorDType.BF16)]
    [InlineData(70000f, TensorDType.F16)] // past F16's largest finite value: becomes infinity on the wire
    public async Task An_update_with_a_value_that_is_not_finite_is_refused(float bad, TensorDType dtype)
    {
        var model = await OpenRoundAsync();
        var update = model.Update(1);
        update["g.weight"][7] = bad;

        var detail = await RefusedAsync(model, model.UpdateFile(update, 5, dtype), HttpStatusCode.UnprocessableEntity, ErrorCodes.UpdateNotFinite);

        Assert.Contains("'g.weight'", detail);
        Assert.Contains("element 7", detail);
    }

    [Fact]
    public async Task An_update_whose_norm_exceeds_the_clip_bound_is_refused_and_one_just_within_is_taken()
    {
        var model = await OpenRoundAsync(clipNorm: 0.5);
        // 26 values of 0.1f (0.100000001490116 in float32) have L2 norm sqrt(26) * 0.100000001490116 = 0.509901959;
        // 26 values of 0.5 / sqrt(26) have norm 0.5 up to float rounding, within the bound's relative 1e-6.
        var over = model.Tensors.ToDictionary(t => t.Name, t => Enumerable.Repeat(0.1f, TestModel.Count(t)).ToArray());
        var within = model.Tensors.ToDictionary(t => t.Name, t => Enumerable.Repeat((float)(0.5 / Math.Sqrt(26)), TestModel.Count(t)).ToArray());

        var detail = await RefusedAsync(model, model.UpdateFile(over, 5), HttpStatusCode.UnprocessableEntity, ErrorCodes.UpdateNormExceeded);
        var receipt = await _client.UploadOkAsync(model.Study, 1, "site-a", model.UpdateFile(within, 5));

        Assert.Contains("0.509901959", detail);
        Assert.Equal(0.5, receipt.L2Norm, 1e-6);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    [InlineData("-4")]
    [InlineData("12.5")]
    [InlineData("1e3")]
    [InlineData("many")]
    public async Task An_update_without_a_positive_integer_sample_count_is_refused(string? numSamples)
    {
        var model = await OpenRoundAsync();
        var metadata = numSamples is null ? new Dictionary<string, string> { ["format"] = "pt" } : new Dictionary<string, string> { [UpdateMetadata.NumSamples] = numSamples };

        var detail = await RefusedAsync(model, model.File(model.Update(1), metadata), HttpStatusCode.UnprocessableEntity, ErrorCodes.UpdateMalformed);

        Assert.Contains("num_samples", detail);
    }

    [Fact]
    public async Task An_update_labelled_for_another_round_is_refused()
    {
        var model = await OpenRoundAsync();
        var metadata = new Dictionary<string, string> { [UpdateMetadata.NumSamples] = "5", [UpdateMetadata.Round] = "2" };

        await RefusedAsync(model, model.File(model.Update(1), metadata), HttpStatusCode.UnprocessableEntity, ErrorCodes.UpdateMalformed);
    }

    [Theory]
    [InlineData("not safetensors")]
    [InlineData("truncated")]
    [InlineData("trailing bytes")]
    [InlineData("header past its end")]
    public async Task A_body_that_is_not_a_well_formed_safetensors_file_is_malformed(string defect)
    {
        var model = await OpenRoundAsync();
        var valid = model.UpdateFile(model.Update(1), 5);
        var file = defect switch
        {
            "not safetensors" => Encoding.UTF8.GetBytes("<html>not an update at all</html>"),
            "truncated" => valid[..^9],
            "trailing bytes" => [.. valid, 1, 2, 3],
            _ => [.. BitConverter.GetBytes(5000L), .. "{}"u8.ToArray()],
        };

        await RefusedAsync(model, file, HttpStatusCode.BadRequest, ErrorCodes.UpdateMalformed);
    }

    [Fact]
    public async Task A_body_that_is_not_sent_as_octets_is_refused()
    {
        var model = await OpenRoundAsync();
        var content = new ByteArrayContent(model.UpdateFile(model.Update(1), 5)) { Headers = { ContentType = new("application/json") } };

        var response = await _client.UploadAsync(model.Study, 1, "site-a", content);

        await AggregatorClient.ExpectProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    private static byte[] HandMade(string json, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(json);
        return [.. BitConverter.GetBytes((long)header.Length), .. header, .. data];
    }

    /// <summary>A long body (after an optional prefix) of <paramref name="limit"/> bytes; counts what was read from it.</summary>
    private sealed class EndlessStream(byte[]? prefix = null, long limit = long.MaxValue) : Stream
    {
        private readonly byte[] _prefix = prefix ?? [];
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => Interlocked.Read(ref _position);
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var position = Interlocked.Read(ref _position);
            var n = (int)Math.Min(count, Math.Min(4096, limit - position));
            for (var i = 0; i < n; i++)
                buffer[offset + i] = position + i < _prefix.Length ? _prefix[position + i] : (byte)'x';
            Interlocked.Add(ref _position, n);
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
