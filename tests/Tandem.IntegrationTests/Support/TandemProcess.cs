using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tandem.IntegrationTests.Support;

/// <summary>
/// Tandem as a real child process (`dotnet Tandem.dll` from this test's build output), in the
/// Production environment, on Kestrel at 127.0.0.1 and a free port, over a test database and
/// its own data folder: what the crash and backup tests kill, restart and run commands with.
/// </summary>
public sealed class TandemProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly ConcurrentQueue<string> _stdout = new();
    private bool _disposed;

    private TandemProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The app's build output inside this test's own (the test project references the app).</summary>
    public static string AppDll => Path.Combine(AppContext.BaseDirectory, "Tandem.dll");

    /// <summary>The command-line settings that point the app at this database and data folder.</summary>
    public static List<string> SettingsFor(TestDatabase database, string dataFolder)
    {
        var args = new List<string> { "--environment", "Production" };
        args.AddRange(database.Settings.Select(s => $"--{s.Key}={s.Value}"));
        args.AddRange([
            $"--Tandem:DataFolder={dataFolder}",
            "--Demo:Seed=true",
            "--Demo:FormerClients=0",
            "--Security:RequireHttps=false",
            "--Security:SignInPermitLimit=100000",
            "--Mail:Transport=Folder",
            $"--Audit:ChainKey={TandemApp.AuditChainKey}",
            "--Serilog:MinimumLevel:Default=Warning",
            "--Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime=Warning",
        ]);
        return args;
    }

    /// <summary>Starts the app and waits until /health answers 200.</summary>
    /// <param name="appDll">Another build of the app (a published one); this test's build output by default.</param>
    /// <param name="workingDirectory">The folder it is started from; the app's own by default.</param>
    /// <param name="settings">Settings instead of <see cref="SettingsFor"/>'s.</param>
    /// <param name="environment">Environment variables that carry all the settings instead (a systemd EnvironmentFile).</param>
    /// <param name="addedEnvironment">Environment variables on top of the settings (e.g. the standard OTEL_* ones).</param>
    public static async Task<TandemProcess> StartAsync(TestDatabase database, string dataFolder, CancellationToken ct,
        string? appDll = null, string? workingDirectory = null, IEnumerable<string>? settings = null, IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyDictionary<string, string>? addedEnvironment = null)
    {
        Directory.CreateDirectory(dataFolder);
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}/");
        // Production requires a public address (issue 26, item 1): this one, unless the settings name another.
        // With an environment (a service's settings file), it alone decides, as under systemd.
        var args = new List<string> { appDll ?? AppDll, "--urls", $"http://127.0.0.1:{port}" };
        if (environment is null)
        {
            args.Add($"--Tandem:PublicUrl=http://127.0.0.1:{port}");
        }

        args.AddRange(settings ?? (environment is null ? SettingsFor(database, dataFolder) : []));
        var info = StartInfo(args);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        info.WorkingDirectory = workingDirectory ?? info.WorkingDirectory;
        foreach (var (name, value) in addedEnvironment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var app = new TandemProcess(process, address);
        process.OutputDataReceived += (_, e) => app.Keep(e.Data, stdout: true);
        process.ErrorDataReceived += (_, e) => app.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Tandem exited at start with code {process.ExitCode}:\n{app.Tail()}");
            }

            try
            {
                using var health = await http.GetAsync(new Uri("health", UriKind.Relative), ct);
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return app;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // Busy starting.
            }

            if (deadline.Elapsed > StartTimeout)
            {
                app.Kill();
                throw new TimeoutException($"Tandem did not answer /health within {StartTimeout.TotalSeconds} s:\n{app.Tail()}");
            }

            await Task.Delay(100, ct);
        }
    }

    private static readonly SemaphoreSlim Publishing = new(1, 1);
    private static string? _published;

    /// <summary>
    /// `dotnet publish --no-build` of the app's own build, once per test run (seconds: it copies what
    /// the build made). The published folder is what a server runs: its static assets are served
    /// from wwwroot without the development manifest.
    /// </summary>
    public static async Task<string> PublishAsync(CancellationToken ct)
    {
        await Publishing.WaitAsync(ct);
        try
        {
            return _published ??= await PublishOnceAsync(ct);
        }
        finally
        {
            Publishing.Release();
        }
    }

    private static async Task<string> PublishOnceAsync(CancellationToken ct)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Tandem.slnx")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InvalidOperationException("Tandem.slnx not found above the test's folder");
        }

        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var output = Path.Combine(TestEnvironment.RunFolder, "published");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        foreach (var arg in new[] { "publish", Path.Combine(root, "src", "Tandem", "Tandem.csproj"), "-c", configuration, "--no-build", "--nologo", "-o", output })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.True(process.ExitCode == 0, $"dotnet publish failed:\n{await stdout}\n{await stderr}");
        return output;
    }

    /// <summary>Runs a command of the app (verify-audit, backup, restore) to its end: exit code and output.</summary>
    /// <param name="extraSettings">Settings after <see cref="SettingsFor"/>'s (the later of two wins).</param>
    public static async Task<(int ExitCode, string Output)> RunCommandAsync(IEnumerable<string> command, TestDatabase database, string dataFolder, CancellationToken ct,
        IEnumerable<string>? extraSettings = null)
    {
        var args = new List<string> { AppDll };
        args.AddRange(command);
        args.AddRange(SettingsFor(database, dataFolder));
        args.AddRange(extraSettings ?? []);
        using var process = new Process { StartInfo = StartInfo(args) };
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            // A command that does not end (an app that serves instead) is not left behind.
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, nothing finishes (QUALITY.md R1).</summary>
    public void Kill()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.WaitForExit();
    }

    /// <summary>Everything the app wrote (its last 400 lines).</summary>
    public IReadOnlyList<string> Output => [.. _log];

    /// <summary>The last lines the app wrote, for failure messages.</summary>
    public string Tail(int lines = 40) => string.Join('\n', _log.TakeLast(lines));

    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return ValueTask.CompletedTask;
        }

        Kill();
        _disposed = true;
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>What the app wrote to standard output only (its last 400 lines).</summary>
    public IReadOnlyList<string> StandardOutput => [.. _stdout];

    private void Keep(string? line, bool stdout = false)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        while (_log.Count > 400 && _log.TryDequeue(out _))
        {
        }

        if (stdout)
        {
            _stdout.Enqueue(line);
            while (_stdout.Count > 400 && _stdout.TryDequeue(out _))
            {
            }
        }
    }

    private static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The command line decides; nothing from the test runner's environment leaks in.
        foreach (var name in new[] { "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ASPNETCORE_URLS", "DOTNET_URLS" })
        {
            info.Environment.Remove(name);
        }

        // Nor an exporter of the runner's: telemetry goes where a test says, or nowhere.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        return info;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
