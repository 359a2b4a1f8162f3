using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tandem.BrowserTests.Video;

/// <summary>
/// Debian's coturn as a throwaway TURN server on loopback (issue 23): shared-secret authentication (what Tandem's
/// credentials are made for), loopback peers allowed, no TLS, its own user database and relay ports in a temporary
/// folder. ./test.sh installs coturn for the browser suite; TANDEM_TURNSERVER names another binary.
/// </summary>
public sealed class Coturn : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly string _folder;

    private Coturn(Process process, string folder, int port, string secret)
    {
        _process = process;
        _folder = folder;
        Port = port;
        Secret = secret;
    }

    public int Port { get; }

    public string Secret { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<Coturn> StartAsync(CancellationToken ct)
    {
        var binary = Environment.GetEnvironmentVariable("TANDEM_TURNSERVER") is { Length: > 0 } b ? b : "/usr/bin/turnserver";
        Assert.True(File.Exists(binary), $"coturn's turnserver not found at {binary}: ./test.sh browser installs Debian's coturn.");
        var folder = Directory.CreateTempSubdirectory("tandem-coturn-").FullName;
        var port = FreePort();
        var relayFrom = 40000 + Random.Shared.Next(0, 200) * 100;
        var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var info = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "-n", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", $"--listening-port={port}",
            $"--min-port={relayFrom}", $"--max-port={relayFrom + 99}", "--use-auth-secret", $"--static-auth-secret={secret}",
            "--realm=tandem.test", "--allow-loopback-peers", "--no-tls", "--no-dtls", "--no-cli", "--fingerprint",
            $"--userdb={Path.Combine(folder, "turndb")}", $"--pidfile={Path.Combine(folder, "turnserver.pid")}",
            "--log-file=stdout", "--simple-log", "--verbose",
        })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        var coturn = new Coturn(process, folder, port, secret);
        process.OutputDataReceived += (_, e) => coturn.Append(e.Data);
        process.ErrorDataReceived += (_, e) => coturn.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var i = 0; i < 100; i++)
        {
            if (process.HasExited)
            {
                break;
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, ct);
                return coturn;
            }
            catch (SocketException)
            {
                await Task.Delay(100, ct);
            }
        }

        await coturn.DisposeAsync();
        throw new InvalidOperationException("coturn did not start:\n" + coturn.Log);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
