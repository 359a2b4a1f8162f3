using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Demo;
using Tandem.Features.Practices;

namespace Tandem.Infrastructure.Hosting;

/// <summary>
/// Before the server takes requests: apply migrations (Database:MigrateOnStart) or, when an
/// operator migrates with `Tandem migrate`, refuse to start on a database that is behind; then
/// seed the demo practices when asked (Development on an empty database, or Demo:Seed=true).
/// Prints the demo accounts.
/// </summary>
internal sealed partial class DatabaseInitializer(
    IServiceProvider services,
    bool seedDemo,
    IHostApplicationLifetime lifetime,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await PrepareAsync(cancellationToken);
        // SQLite's planner statistics for what is there now, demo data included, before the first request (SqliteStatistics).
        // Stale statistics slow some pages but never change an answer: a failure here (the file busy, say) does not stop
        // the start, and the hourly refresh tries again.
        if (services.GetRequiredService<DatabaseSettings>().Provider == DatabaseProvider.Sqlite)
        {
            try
            {
                await services.GetRequiredService<SqliteStatistics>().RefreshAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not refresh SQLite's planner statistics at start");
            }
        }
    }

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var settings = services.GetRequiredService<DatabaseSettings>();
        await services.PrepareTandemDatabaseAsync(cancellationToken);
        if (settings.Provider == DatabaseProvider.Postgres)
        {
            await WarnWhenRowSecurityIsBypassedAsync(cancellationToken);
        }

        if (!seedDemo)
        {
            if (!await services.GetRequiredService<SetupState>().IsCompleteAsync(cancellationToken))
            {
                lifetime.ApplicationStarted.Register(PrintSetupCode);
            }

            return;
        }

        await using var scope = services.CreateAsyncScope();
        var seeder = scope.ServiceProvider.GetRequiredService<DemoSeeder>();
        await seeder.SeedIfEmptyAsync(cancellationToken);
        var password = seeder.Password;
        lifetime.ApplicationStarted.Register(() => PrintDemoAccounts(password));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A superuser or a BYPASSRLS role sees every practice whatever Tandem sets: worth a line in the log.</summary>
    private async Task WarnWhenRowSecurityIsBypassedAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var bypassed = await db.Database.SqlQueryRaw<bool>("SELECT (rolsuper OR rolbypassrls) AS \"Value\" FROM pg_roles WHERE rolname = current_user").SingleAsync(ct);
        if (bypassed)
        {
            logger.LogWarning("Tandem connects to PostgreSQL as a superuser or a role with BYPASSRLS: row-level security does not apply. Connect as the runtime role (docs/operations.md).");
        }
    }

    public static bool ShouldSeedDemo(IConfiguration config, IHostEnvironment env) =>
        Setting.Get<bool>(config, "Demo:Seed") ?? env.IsDevelopment();

    /// <summary>A new server without a practice: say where to set it up and with which code (issue 26, item 4). A warning, so every log level shows it.</summary>
    private void PrintSetupCode()
    {
        var code = services.GetRequiredService<SetupCode>();
        var setup = services.GetRequiredService<AppOrigin>().BaseUrl + "/setup";
        if (code.IsConfigured)
        {
            SetupWithConfiguredCode(logger, setup);
        }
        else
        {
            SetupWithCode(logger, setup, code.Value);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tandem is not set up yet. Open {SetupAddress} and enter the setup code {SetupCode} (it works until the first practice is created; a restart makes up a new one unless Tandem:SetupCode is set).")]
    private static partial void SetupWithCode(ILogger logger, string setupAddress, string setupCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tandem is not set up yet. Open {SetupAddress} and enter the setup code from the Tandem:SetupCode setting.")]
    private static partial void SetupWithConfiguredCode(ILogger logger, string setupAddress);

    private void PrintDemoAccounts(string password)
    {
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var lines = new List<string> { "", "Tandem is running (demo data).", $"  Open: {string.Join(", ", addresses)}", $"  Demo password for every account: {password}" };
        lines.AddRange(DemoAccounts.People.Select(p => $"  {p.Email,-24} {p.Practice,-10} {p.Description}"));
        lines.Add("");
#pragma warning disable CA2254 // a one-off banner for the person who started the app
        logger.LogInformation(string.Join(Environment.NewLine, lines));
#pragma warning restore CA2254
    }
}
