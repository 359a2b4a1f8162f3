using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tandem.IntegrationTests.Support;

/// <summary>
/// A tiny SMTP server for tests: a TcpListener on loopback that speaks just enough SMTP for
/// MailKit (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and keeps every message it accepts.
/// It can be stopped and started again on the same port to play a mail server outage.
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedMail> _received = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;
    private Task? _loop;

    public TestSmtpServer()
    {
        // Reserve a free port now, so the server can be "down" on a known address.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    public IReadOnlyList<ReceivedMail> Received => _received.ToArray();

    public bool IsRunning => _listener is not null;

    public void Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        _stop = new CancellationTokenSource();
        var token = _stop.Token;
        _loop = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(token);
                }
                catch (Exception) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (SocketException)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(client, token), token);
            }
        }, token);
    }

    public async Task StopAsync()
    {
        if (_listener is null)
        {
            return;
        }

        await _stop!.CancelAsync();
        _listener.Stop();
        _listener = null;
        try
        {
            await _loop!;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    /// <summary>Waits (real time) until at least <paramref name="count"/> mails have arrived.</summary>
    public async Task<IReadOnlyList<ReceivedMail>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (_received.Count < count && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }

        return Received;
    }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        using (client)
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 localhost test SMTP");
            string? from = null;
            var to = new List<string>();
            while (!ct.IsCancellationRequested)
            {
                var line = await reader.ReadLineAsync(ct);
                if (line is null)
                {
                    return;
                }

                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-localhost");
                        await writer.WriteLineAsync("250 8BITMIME");
                        break;
                    case "HELO":
                        await writer.WriteLineAsync("250 localhost");
                        break;
                    case "MAIL":
                        from = Address(line);
                        to.Clear();
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "RCPT":
                        to.Add(Address(line));
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(ct) is { } dataLine && dataLine != ".")
                        {
                            // Undo dot-stuffing (RFC 5321 4.5.2).
                            data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                        }

                        _received.Enqueue(new ReceivedMail(from ?? "", [.. to], data.ToString()));
                        await writer.WriteLineAsync("250 OK queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 Bye");
                        return;
                    case "RSET" or "NOOP":
                        await writer.WriteLineAsync("250 OK");
                        break;
                    default:
                        await writer.WriteLineAsync("502 Command not implemented");
                        break;
                }
            }
        }
    }

    private static string Address(string line)
    {
        var start = line.IndexOf('<', StringComparison.Ordinal);
        var end = line.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? line[(start + 1)..end] : "";
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}

/// <summary>One mail as the server got it: envelope and raw RFC 5322 text.</summary>
public sealed record ReceivedMail(string From, IReadOnlyList<string> To, string Raw)
{
    /// <summary>Headers and body decoded by MimeKit (quoted-printable and all).</summary>
    public MimeKit.MimeMessage Parse() => MimeKit.MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Raw)));

    public string Subject => Parse().Subject ?? "";

    public string Text => Parse().TextBody ?? "";

    public string Header(string name) => Parse().Headers[name] is { } value ? value : "";
}
