using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Tandem.IntegrationTests.Support;

/// <summary>
/// A tiny SMTP server for tests: a TcpListener on loopback that speaks just enough SMTP for
/// MailKit (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and keeps every message it accepts.
/// It can be stopped and started again on the same port to play a mail server outage.
/// It can also speak TLS (STARTTLS or implicit, with a throwaway self-signed certificate), take
/// AUTH PLAIN/LOGIN, and answer any step with a reply of the test's choosing (a 550, a 451).
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private static readonly Lazy<X509Certificate2> SelfSigned = new(CreateCertificate);
    private readonly ConcurrentQueue<ReceivedMail> _received = new();
    private readonly ConcurrentQueue<string> _attempted = new();
    private readonly ConcurrentQueue<(bool Secure, string Credentials)> _auth = new();
    private readonly ConcurrentQueue<string> _commands = new();
    private readonly IPAddress _address;
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;
    private Task? _loop;

    public TestSmtpServer(IPAddress? address = null)
    {
        _address = address ?? IPAddress.Loopback;
        // Reserve a free port now, so the server can be "down" on a known address.
        var probe = new TcpListener(_address, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    public SmtpTls Tls { get; init; }

    /// <summary>Offer AUTH PLAIN and LOGIN (also without TLS, as a careless server would).</summary>
    public bool OffersAuth { get; init; }

    /// <summary>
    /// A reply of the test's choosing for a command line (verb "MAIL", "RCPT", ...) or for the end of
    /// DATA (verb "DATA-END", the text being the message), or null for the usual one.
    /// </summary>
    public Func<string, string, string?>? Reply { get; init; }

    /// <summary>The SHA-256 fingerprint (hex) of the server's certificate, for Mail:SmtpCertificateSha256.</summary>
    public static string CertificateSha256 => Convert.ToHexString(SHA256.HashData(SelfSigned.Value.RawData));

    /// <summary>Every message handed over with DATA, accepted or not (a retry shows up twice).</summary>
    public IReadOnlyList<string> Attempted => _attempted.ToArray();

    /// <summary>Each AUTH exchange: whether the connection was encrypted, and the decoded credentials.</summary>
    public IReadOnlyList<(bool Secure, string Credentials)> AuthAttempts => _auth.ToArray();

    /// <summary>Every command line the server read (after any TLS), as sent.</summary>
    public IReadOnlyList<string> Commands => _commands.ToArray();

    public IReadOnlyList<ReceivedMail> Received => _received.ToArray();

    public bool IsRunning => _listener is not null;

    public void Start()
    {
        var listener = new TcpListener(_address, Port);
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
            Stream stream = client.GetStream();
            var secure = false;
            if (Tls == SmtpTls.Implicit)
            {
                stream = await ServerTlsAsync(stream, ct);
                secure = true;
            }

            var reader = new StreamReader(stream, Encoding.ASCII);
            var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
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

                _commands.Enqueue(line);
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                if (verb is not ("EHLO" or "HELO" or "QUIT" or "STARTTLS" or "AUTH") && Reply?.Invoke(verb, line) is { } custom)
                {
                    await writer.WriteLineAsync(custom);
                    continue;
                }

                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-localhost");
                        if (Tls == SmtpTls.StartTls && !secure)
                        {
                            await writer.WriteLineAsync("250-STARTTLS");
                        }

                        if (OffersAuth)
                        {
                            await writer.WriteLineAsync("250-AUTH PLAIN LOGIN");
                        }

                        await writer.WriteLineAsync("250 8BITMIME");
                        break;
                    case "HELO":
                        await writer.WriteLineAsync("250 localhost");
                        break;
                    case "STARTTLS" when Tls == SmtpTls.StartTls && !secure:
                        await writer.WriteLineAsync("220 Ready to start TLS");
                        stream = await ServerTlsAsync(stream, ct);
                        secure = true;
                        reader = new StreamReader(stream, Encoding.ASCII);
                        writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                        break;
                    case "AUTH" when OffersAuth:
                        var parts = line.Split(' ');
                        string credentials;
                        if (parts[1].Equals("LOGIN", StringComparison.OrdinalIgnoreCase))
                        {
                            await writer.WriteLineAsync("334 VXNlcm5hbWU6");
                            var user = Decode(await reader.ReadLineAsync(ct));
                            await writer.WriteLineAsync("334 UGFzc3dvcmQ6");
                            credentials = user + ":" + Decode(await reader.ReadLineAsync(ct));
                        }
                        else
                        {
                            if (parts.Length < 3)
                            {
                                await writer.WriteLineAsync("334 ");
                            }

                            var plain = Decode(parts.Length >= 3 ? parts[2] : await reader.ReadLineAsync(ct)).Split('\0');
                            credentials = plain[^2] + ":" + plain[^1];
                        }

                        _auth.Enqueue((secure, credentials));
                        await writer.WriteLineAsync("235 2.7.0 Authentication successful");
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

                        _attempted.Enqueue(data.ToString());
                        if (Reply?.Invoke("DATA-END", data.ToString()) is { } refusal)
                        {
                            await writer.WriteLineAsync(refusal);
                            break;
                        }

                        _received.Enqueue(new ReceivedMail(from ?? "", [.. to], data.ToString()) { Secure = secure });
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

    private static async Task<Stream> ServerTlsAsync(Stream stream, CancellationToken ct)
    {
        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = SelfSigned.Value }, ct);
        return tls;
    }

    private static string Decode(string? base64) => Encoding.UTF8.GetString(Convert.FromBase64String(base64 ?? ""));

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
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
    /// <summary>Whether it came over TLS (STARTTLS or implicit).</summary>
    public bool Secure { get; init; }

    /// <summary>Headers and body decoded by MimeKit (quoted-printable and all).</summary>
    public MimeKit.MimeMessage Parse() => MimeKit.MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Raw)));

    public string Subject => Parse().Subject ?? "";

    public string Text => Parse().TextBody ?? "";

    public string Header(string name) => Parse().Headers[name] is { } value ? value : "";
}

public enum SmtpTls
{
    None,
    StartTls,
    Implicit,
}
