using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Tandem.Data;
using Tandem.Features.Demo;

namespace Tandem.IntegrationTests.Support;

/// <summary>
/// The whole app in memory (or on real Kestrel for browser tests) over its own database,
/// with a clock the test can move.
/// </summary>
public sealed class TandemApp : WebApplicationFactory<Program>
{
    public const string DemoPassword = DemoAccounts.DefaultPassword;

    /// <summary>The first-run setup code every test app is started with (Tandem:SetupCode).</summary>
    public const string SetupCode = "quiet-harbour-setup-2026";

    /// <summary>
    /// The audit chain key (Audit:ChainKey) of every test app and process, so the template databases' entries verify in
    /// each test that copies them; AuditKeyTests try others, and none.
    /// </summary>
    public const string AuditChainKey = "B47Jyw/iF6RWfN10O+fH3JpEdv9xdfhTbv8bQydADdI=";

    /// <summary>
    /// The in-memory server's own origin: it is told to listen there (<c>urls</c>), and test clients
    /// use it as their base address, over https as in production (Secure, __Host- cookies).
    /// </summary>
    public const string OwnOrigin = "https://localhost";

    /// <summary>The PBKDF2 iteration count of test apps (and so of the template databases' demo passwords).</summary>
    public const int TestPasswordIterations = 1_000;

    private readonly TestDatabase _database;
    private readonly bool _seeded;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly bool _ownsDatabase;
    private readonly bool _kestrel;

    internal TandemApp(TestDatabase database, bool seeded, IReadOnlyDictionary<string, string?> settings, bool ownsDatabase = false, bool kestrel = false)
    {
        _database = database;
        _seeded = seeded;
        _settings = settings;
        _ownsDatabase = ownsDatabase;
        _kestrel = kestrel;
        if (kestrel)
        {
            UseKestrel(0);
        }
    }

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>
    /// Today on the app's clock where a practice is (Riverside's Europe/London unless told): reports,
    /// quarters and years are the practice's own, so a test must not take the UTC date for it.
    /// </summary>
    public DateOnly TodayIn(string timeZone = "Europe/London") =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Clock.GetUtcNow(), Tandem.Features.Practices.TimeZones.Find(timeZone)).DateTime);

    /// <summary>Every log event this app wrote (Warning and above in tests), as its sinks get it: after redaction.</summary>
    public CapturedLog Log { get; } = new();

    public TestDatabase Database => _database;

    public string DataFolder { get; } = Path.Combine(TestEnvironment.RunFolder, "data-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>A new app over a fresh copy of the demo database (or an empty one).</summary>
    public static async Task<TandemApp> StartAsync(bool seeded = true, Dictionary<string, string?>? settings = null, bool kestrel = false, bool formerClients = false)
    {
        var database = await TestDatabase.CreateAsync(seeded, formerClients);
        var app = new TandemApp(database, seeded, settings ?? [], ownsDatabase: true, kestrel: kestrel);
        if (kestrel)
        {
            app.StartServer();
        }
        else
        {
            _ = app.Server;
        }

        return app;
    }

    /// <summary>The base address a browser uses (Kestrel mode only).</summary>
    public Uri RootUri => ClientOptions.BaseAddress;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Test");
        // Outside Development the framework serves only published assets; tests run from the build output.
        builder.UseStaticWebAssets();
        foreach (var (key, value) in _database.Settings)
        {
            builder.UseSetting(key, value);
        }

        if (!_kestrel)
        {
            // Where the in-memory server says it listens (Kestrel reports its real addresses itself).
            builder.UseSetting(Microsoft.AspNetCore.Hosting.WebHostDefaults.ServerUrlsKey, OwnOrigin);
        }

        builder.UseSetting("Demo:Seed", _seeded ? "true" : "false");
        // A known first-run setup code (issue 26, item 4); a new server makes up its own (SetupTests starts one).
        builder.UseSetting("Tandem:SetupCode", SetupCode);
        builder.UseSetting("Audit:ChainKey", AuditChainKey);
        builder.UseSetting("Security:RequireHttps", "false");
        builder.UseSetting("Tandem:DataFolder", DataFolder);
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        builder.UseSetting("Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime", "Warning");
        // Tests sign in many times from one address; the rate-limit and throttling tests set the real limits.
        // A thousand sign-ins a run at the production count (210,000) were a quarter of the suite's CPU. The hashes stay
        // real PBKDF2-HMAC-SHA512; PasswordTests check the production count, and that a sign-in upgrades a weaker hash.
        builder.UseSetting(Tandem.Infrastructure.Security.PasswordHashing.IterationsKey, TestPasswordIterations.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Security:SignInPermitLimit", "10000");
        builder.UseSetting("Security:SignInSourceFreeFailures", "10000");
        // Likewise for first-conversation requests; the directory's rate-limit test sets a small limit.
        builder.UseSetting("Security:FirstConversationPermitLimit", "10000");
        // The expected-response curves are refreshed by the tests that need them (RefreshAsync): the daily job would
        // otherwise run whenever a test moves the clock a minute on, and change which rule decides "not on track" mid-test.
        builder.UseSetting("Measures:ExpectedCurveFirstRun", "30.00:00:00");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            // The in-memory server has no client address; give requests the loopback one, as Kestrel would.
            services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, LoopbackAddressFilter>();
            services.AddSingleton(AuditLedger);
            services.AddSingleton<Serilog.Core.ILogEventSink>(Log);
            services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, AuditCompleteness.Filter>();
        });
    }

    /// <summary>
    /// Over https, as in production: the session cookie is Secure and __Host- prefixed.
    /// Unsafe requests carry the Origin and Sec-Fetch-Site headers a browser sends from Tandem's own pages (<see cref="BrowserHeaders"/>).
    /// </summary>
    public HttpClient CreateAnonymousClient()
    {
        if (!_kestrel)
        {
            return CreateDefaultClient(new Uri(OwnOrigin + "/"), new BrowserHeaders(), new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler());
        }

        // On real Kestrel (browser tests setting up data through the API): plain HTTP to the address it listens on, with
        // the headers a browser sends from Tandem's own pages.
        var address = Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First()
            .Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        var client = new HttpClient { BaseAddress = new Uri(address + "/") };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Origin", address);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
        return client;
    }

    /// <summary>A fresh browser (no cookies) whose requests come from <paramref name="address"/>.</summary>
    public HttpClient CreateClientFrom(string address)
    {
        var client = CreateAnonymousClient();
        client.DefaultRequestHeaders.Add(LoopbackAddressFilter.ClientAddressHeader, address);
        return client;
    }

    /// <summary>An API client signed in with a bearer token.</summary>
    public async Task<HttpClient> ClientForAsync(string email, string password = DemoPassword)
    {
        var tokens = await LoginAsync(email, password);
        var client = CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        return client;
    }

    public async Task<TokenResponse> LoginAsync(string email, string password = DemoPassword)
    {
        using var client = CreateAnonymousClient();
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Login of {email} failed: {(int)response.StatusCode} {body}");
        }

        return JsonSerializer.Deserialize<TokenResponse>(body, Json.Options)!;
    }

    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <param name="asOwner">On PostgreSQL, through the tables' owner instead of the app's runtime role (what an attacker with the owner's password could do).</param>
    public async Task WithDbAsync(Func<TandemDbContext, Task> work, bool asOwner = false)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var owner = asOwner && _database.Provider == TestProvider.Postgres;
        var appConnection = db.Database.GetConnectionString();
        if (owner)
        {
            db.Database.SetConnectionString(_database.PostgresOwnerConnection);
        }

        try
        {
            using var system = db.Tenant.AsSystem();
            await work(db);
        }
        finally
        {
            // The app's contexts are pooled: this one goes back to serve requests, as the app's role again.
            if (owner)
            {
                await db.Database.CloseConnectionAsync();
                db.Database.SetConnectionString(appConnection);
            }
        }
    }

    /// <summary>
    /// An open connection for raw SQL that sees every row the app stored: on PostgreSQL the cluster's superuser
    /// (row-level security lets a raw command of the app's role see nothing), on SQLite the file itself.
    /// </summary>
    public async Task<System.Data.Common.DbConnection> OpenRawConnectionAsync()
    {
        System.Data.Common.DbConnection connection = _database.Provider == TestProvider.Postgres
            ? new Npgsql.NpgsqlConnection(_database.PostgresAdminConnection)
            : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_database.SqlitePath}");
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Every request of this test with the audit entries it wrote (QUALITY.md R4).</summary>
    public AuditCompleteness AuditLedger { get; } = new();

    /// <summary>Tests that tamper with audit rows on purpose turn the completeness check off.</summary>
    public bool CheckAuditOnDispose { get; set; } = true;

    private readonly List<Func<Task>> _onDispose = [];

    /// <summary>Work to do first when the test's app stops (browser tests close their pages here).</summary>
    public void OnDispose(Func<Task> work)
    {
        lock (_onDispose)
        {
            _onDispose.Add(work);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        Func<Task>[] first;
        lock (_onDispose)
        {
            first = [.. _onDispose];
        }

        foreach (var work in first)
        {
            try
            {
                await work();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Closing a page must never hide the test's own result.
            }
        }

        try
        {
            if (CheckAuditOnDispose && AuditLedger.Seen.Count > 0)
            {
                await AuditLedger.AssertCompleteAsync(Services);
            }
        }
        finally
        {
            await base.DisposeAsync();
            if (_ownsDatabase)
            {
                await _database.DisposeAsync();
            }
        }
    }
}

internal sealed class LoopbackAddressFilter : Microsoft.AspNetCore.Hosting.IStartupFilter
{
    /// <summary>A test's stand-in for the client address (the in-memory server has none): only this test host reads it.</summary>
    public const string ClientAddressHeader = "X-Test-Client-Address";

    public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
    {
        app.Use(nextMiddleware => context =>
        {
            if (context.Connection.RemoteIpAddress is null && context.Request.Headers.TryGetValue(ClientAddressHeader, out var given)
                && System.Net.IPAddress.TryParse(given.ToString(), out var address))
            {
                context.Connection.RemoteIpAddress = address;
            }

            context.Connection.RemoteIpAddress ??= System.Net.IPAddress.Loopback;
            return nextMiddleware(context);
        });
        next(app);
    };
}

public sealed record TokenResponse(string TokenType, string AccessToken, long ExpiresIn, string RefreshToken);

public static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
