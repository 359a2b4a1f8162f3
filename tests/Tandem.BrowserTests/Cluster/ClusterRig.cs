using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tandem.IntegrationTests.Support;

namespace Tandem.BrowserTests.Cluster;

/// <summary>
/// Several nodes for real (issue 27): one PostgreSQL database, one Redis, two Tandem processes
/// (Production settings) and Debian's nginx in front of them, running deploy/nginx/tandem.conf
/// with loopback ports and a throwaway certificate put in. Everything listens on 127.0.0.1 and is
/// stopped after. PostgreSQL and Redis are started by test.sh (TANDEM_TEST_PG, TANDEM_TEST_REDIS).
/// </summary>
public sealed class ClusterRig : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];
    private Process? _nginx;
    private string _folder = "";

    public TandemProcess NodeA { get; private set; } = default!;

    public TandemProcess NodeB { get; private set; } = default!;

    /// <summary>https://127.0.0.1:port/ of nginx.</summary>
    public Uri Proxy { get; private set; } = default!;

    /// <summary>The address nginx's connections to the nodes come from; browsers and test clients connect from 127.0.0.1.</summary>
    public const string ProxyAddress = "127.0.0.9";

    public static async Task<ClusterRig> StartAsync(CancellationToken ct)
    {
        var redis = Environment.GetEnvironmentVariable("TANDEM_TEST_REDIS");
        Assert.True(!string.IsNullOrEmpty(redis), "The two-node test needs a Redis: run it through ./test.sh cluster, which starts one (TANDEM_TEST_REDIS=127.0.0.1:port).");
        Assert.True(TestEnvironment.Provider == TestProvider.Postgres, "The two-node test runs on PostgreSQL (TANDEM_TEST_PROVIDER=Postgres); ./test.sh cluster sets it.");
        var nginx = Environment.GetEnvironmentVariable("TANDEM_NGINX") is { Length: > 0 } n ? n : "/usr/sbin/nginx";
        Assert.True(File.Exists(nginx), $"nginx not found at {nginx}: ./test.sh cluster installs Debian's nginx.");

        var rig = new ClusterRig { _folder = Directory.CreateTempSubdirectory("tandem-cluster-").FullName };
        var database = await TestDatabase.CreateAsync(seeded: true);
        rig._owned.Add(database);
        var proxyPort = FreePort();
        rig.Proxy = new Uri($"https://127.0.0.1:{proxyPort}/");
        var prefix = "t" + Guid.NewGuid().ToString("N")[..10];
        List<string> Settings(string node)
        {
            var folder = Path.Combine(rig._folder, node);
            var settings = TandemProcess.SettingsFor(database, folder);
            settings.AddRange([
                $"--Redis:Configuration={redis}", $"--Redis:Prefix={prefix}",
                $"--Tandem:PublicUrl=https://127.0.0.1:{proxyPort}",
                // nginx connects to the nodes from its own address (proxy_bind below), as a proxy on another machine would.
                $"--Tandem:TrustedProxies={ProxyAddress}",
                // The real limits: 10 sign-in posts per address in the window, whichever node they reach.
                "--Security:SignInPermitLimit=10", "--Security:SignInWindow=00:01:00",
            ]);
            return settings;
        }

        // As a server runs it: the published app. A first, alone: it brings the database up to date; then B joins.
        var app = Path.Combine(await TandemProcess.PublishAsync(ct), "Tandem.dll");
        rig.NodeA = await TandemProcess.StartAsync(database, Path.Combine(rig._folder, "a"), ct, appDll: app, settings: Settings("a"));
        rig._owned.Add(rig.NodeA);
        rig.NodeB = await TandemProcess.StartAsync(database, Path.Combine(rig._folder, "b"), ct, appDll: app, settings: Settings("b"));
        rig._owned.Add(rig.NodeB);
        await rig.StartNginxAsync(nginx, proxyPort, ct);
        return rig;
    }

    private async Task StartNginxAsync(string nginx, int port, CancellationToken ct)
    {
        var root = FindRepositoryRoot();
        var site = await File.ReadAllTextAsync(Path.Combine(root, "deploy", "nginx", "tandem.conf"), ct);
        var (cert, key) = WriteCertificate(_folder);
        site = site
            .Replace("server 127.0.0.1:5081", $"server 127.0.0.1:{NodeA.BaseAddress.Port}", StringComparison.Ordinal)
            .Replace("server 127.0.0.1:5082", $"server 127.0.0.1:{NodeB.BaseAddress.Port}", StringComparison.Ordinal)
            .Replace("    listen [::]:80;\n", "", StringComparison.Ordinal)
            .Replace("    listen [::]:443 ssl http2;\n", "", StringComparison.Ordinal)
            .Replace("listen 80;", $"listen 127.0.0.1:{FreePort()};", StringComparison.Ordinal)
            .Replace("listen 443 ssl http2;", $"listen 127.0.0.1:{port} ssl http2;", StringComparison.Ordinal)
            .Replace("/etc/letsencrypt/live/tandem.example.org/fullchain.pem", cert, StringComparison.Ordinal)
            .Replace("/etc/letsencrypt/live/tandem.example.org/privkey.pem", key, StringComparison.Ordinal)
            .Replace("        proxy_pass http://tandem_nodes;\n", $"        proxy_pass http://tandem_nodes;\n        proxy_bind {ProxyAddress};\n", StringComparison.Ordinal);
        Assert.Contains($"proxy_bind {ProxyAddress};", site, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{NodeB.BaseAddress.Port}", site, StringComparison.Ordinal);
        Directory.CreateDirectory(Path.Combine(_folder, "nginx-tmp"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "tandem-site.conf"), site, ct);
        await File.WriteAllTextAsync(Path.Combine(_folder, "nginx.conf"), $$"""
            worker_processes 1;
            daemon off;
            pid {{_folder}}/nginx.pid;
            error_log {{_folder}}/nginx-error.log warn;
            {{(Environment.UserName == "root" ? "user root;" : "")}}
            events { worker_connections 512; }
            http {
                log_format upstream '$remote_addr "$request" $status upstream=$upstream_addr';
                access_log {{_folder}}/nginx-access.log upstream;
                client_body_temp_path {{_folder}}/nginx-tmp/body;
                proxy_temp_path {{_folder}}/nginx-tmp/proxy;
                fastcgi_temp_path {{_folder}}/nginx-tmp/fastcgi;
                uwsgi_temp_path {{_folder}}/nginx-tmp/uwsgi;
                scgi_temp_path {{_folder}}/nginx-tmp/scgi;
                include {{_folder}}/tandem-site.conf;
            }
            """, ct);
        var info = new ProcessStartInfo(nginx) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-p", _folder, "-c", Path.Combine(_folder, "nginx.conf") })
        {
            info.ArgumentList.Add(arg);
        }

        _nginx = Process.Start(info)!;
        var errors = _nginx.StandardError.ReadToEndAsync(ct);
        for (var i = 0; i < 100; i++)
        {
            if (_nginx.HasExited)
            {
                Assert.Fail($"nginx exited ({_nginx.ExitCode}): {await errors}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, ct);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, ct);
            }
        }

        Assert.Fail("nginx did not listen within 10 s");
    }

    /// <summary>Which node served requests whose line contains <paramref name="path"/> (from nginx's log).</summary>
    public IReadOnlyList<string> UpstreamsFor(string path) =>
        File.Exists(Path.Combine(_folder, "nginx-access.log"))
            ? File.ReadAllLines(Path.Combine(_folder, "nginx-access.log")).Where(l => l.Contains(path, StringComparison.Ordinal)).Select(l => l[(l.LastIndexOf("upstream=", StringComparison.Ordinal) + 9)..]).ToList()
            : [];

    /// <summary>What nginx and the nodes said, for a failure's message.</summary>
    public string Diagnostics()
    {
        string Tail(string file) => File.Exists(Path.Combine(_folder, file)) ? string.Join('\n', File.ReadAllLines(Path.Combine(_folder, file)).TakeLast(25)) : "(none)";
        return $"nginx errors:\n{Tail("nginx-error.log")}\nnginx access:\n{Tail("nginx-access.log")}\nnode A:\n{NodeA.Tail(20)}\nnode B:\n{NodeB.Tail(20)}";
    }

    public string NodeName(string upstream) =>
        upstream.EndsWith(":" + NodeA.BaseAddress.Port, StringComparison.Ordinal) ? "A" : upstream.EndsWith(":" + NodeB.BaseAddress.Port, StringComparison.Ordinal) ? "B" : upstream;

    public async ValueTask DisposeAsync()
    {
        if (_nginx is { HasExited: false })
        {
            _nginx.Kill(entireProcessTree: true);
            await _nginx.WaitForExitAsync();
        }

        _nginx?.Dispose();
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static (string Cert, string Key) WriteCertificate(string folder)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certPath = Path.Combine(folder, "tls.crt");
        var keyPath = Path.Combine(folder, "tls.key");
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepositoryRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Tandem.slnx")))
        {
            dir = Path.GetDirectoryName(dir.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InvalidOperationException("Tandem.slnx not found");
        }

        return dir;
    }
}
