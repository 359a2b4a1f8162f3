using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tandem.IntegrationTests.Observability;

/// <summary>
/// A tiny OTLP/HTTP collector for tests: a real HTTP listener on 127.0.0.1 that keeps every request
/// body the app exports (/v1/traces, /v1/metrics, /v1/logs, protobuf) and answers 200 with an empty
/// (valid) export response. Protobuf keeps strings as plain UTF-8, so span names, attribute keys and
/// values can be searched in the raw bytes.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();
    private readonly Task _loop;

    public OtlpReceiver()
    {
        var port = FreePort();
        Endpoint = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Endpoint { get; }

    public IReadOnlyList<(string Path, byte[] Body)> Received => [.. _received];

    /// <summary>Everything received on one signal's path, as Latin-1 text (one char a byte: UTF-8 strings stay searchable).</summary>
    public string Text(string path) => string.Concat(Received.Where(r => r.Path == path).Select(r => Encoding.Latin1.GetString(r.Body)));

    public string AllText => string.Concat(Received.Select(r => Encoding.Latin1.GetString(r.Body)));

    /// <summary>Waits until every one of <paramref name="expected"/> has arrived on <paramref name="path"/>; returns the ones still missing.</summary>
    public async Task<IReadOnlyList<string>> WaitForAsync(string path, IReadOnlyList<string> expected, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var text = Text(path);
            var missing = expected.Where(e => !text.Contains(e, StringComparison.Ordinal)).ToList();
            if (missing.Count == 0 || DateTime.UtcNow > deadline)
            {
                return missing;
            }

            await Task.Delay(200, ct);
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                var bytes = body.ToArray();
                if (string.Equals(context.Request.Headers["Content-Encoding"], "gzip", StringComparison.OrdinalIgnoreCase))
                {
                    using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress);
                    using var plain = new MemoryStream();
                    await gzip.CopyToAsync(plain);
                    bytes = plain.ToArray();
                }

                _received.Enqueue((context.Request.Url?.AbsolutePath ?? "", bytes));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.ContentLength64 = 0;
                context.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or InvalidDataException)
            {
                // A request cut off while the app stops.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
