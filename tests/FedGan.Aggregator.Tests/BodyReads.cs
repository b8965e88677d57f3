using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace FedGan.Aggregator.Tests;

/// <summary>
/// Counts the request-body bytes the aggregator itself read, by request path. The in-memory test
/// server pulls a client's whole body regardless, so what the service read must be counted on its side.
/// </summary>
public sealed class BodyReads : IStartupFilter
{
    private readonly ConcurrentDictionary<string, long> _byPath = new();

    public long Of(string path) => _byPath.GetValueOrDefault(path);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            var path = context.Request.Path.Value!;
            _byPath[path] = 0;
            context.Request.Body = new Counting(context.Request.Body, read => _byPath.AddOrUpdate(path, read, (_, total) => total + read));
            await nextMiddleware(context);
        });
        next(app);
    };

    private sealed class Counting(Stream inner, Action<long> onRead) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Counted(int read)
        {
            onRead(read);
            return read;
        }
    }
}
