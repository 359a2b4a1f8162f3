using System.Data.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tandem.Infrastructure.Security;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Which database Tandem uses, read once from configuration.</summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString, string DataFolder)
{
    public static DatabaseSettings From(IConfiguration config, IHostEnvironment env)
    {
        var dataFolder = Path.GetFullPath(config["Tandem:DataFolder"] ?? "data", env.ContentRootPath);
        var providerName = config["Database:Provider"] ?? "Sqlite";
        if (!Infrastructure.Input.DefinedEnums.TryParse<DatabaseProvider>(providerName, out var provider))
        {
            throw new InvalidOperationException($"Database:Provider must be Sqlite or Postgres, not '{providerName}'.");
        }

        if (provider == DatabaseProvider.Postgres)
        {
            var cs = config.GetConnectionString("Postgres");
            if (string.IsNullOrWhiteSpace(cs))
            {
                throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:Postgres is not set.");
            }

            return new DatabaseSettings(provider, cs, dataFolder);
        }

        var path = Path.GetFullPath(config["Database:SqlitePath"] ?? Path.Combine(dataFolder, "tandem.db"), env.ContentRootPath);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = true,
            // Microsoft.Data.Sqlite retries a busy database until the command timeout.
            DefaultTimeout = 30,
        };
        return new DatabaseSettings(provider, builder.ToString(), dataFolder);
    }
}

public static class DatabaseSetup
{
    public static IServiceCollection AddTandemDatabase(this IServiceCollection services, IConfiguration config, IHostEnvironment env)
    {
        var settings = DatabaseSettings.From(config, env);
        services.AddSingleton(settings);
        services.AddHttpContextAccessor();
        services.AddScoped(sp => new TenantContext(sp.GetService<IHttpContextAccessor>()));
        services.AddSingleton<AccountStatusInvalidator>();
        services.AddScoped<Features.Audit.AuditTrail>();
        services.AddScoped<Features.Audit.AuditOccasion>();
        services.AddScoped<Features.Audit.BreakGlassContext>();
        services.AddSingleton<Features.Audit.AuditWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<Features.Audit.AuditWriter>());

        if (settings.Provider == DatabaseProvider.Postgres)
        {
            services.AddDbContext<TandemDbContext, PostgresTandemDbContext>((sp, o) => o
                .UseNpgsql(settings.ConnectionString)
                .AddInterceptors(sp.GetRequiredService<AccountStatusInvalidator>()));
        }
        else
        {
            services.AddDbContext<TandemDbContext, SqliteTandemDbContext>((sp, o) => o
                .UseSqlite(settings.ConnectionString)
                .AddInterceptors(SqliteDurability.Instance, sp.GetRequiredService<AccountStatusInvalidator>()));
        }

        // Migrations must run before anything else touches the database (hosted services
        // start in registration order; Data Protection reads its key ring at start).
        services.AddHostedService<Infrastructure.Hosting.DatabaseInitializer>();
        var keyRing = services.AddDataProtection()
            .SetApplicationName("Tandem")
            .PersistKeysToDbContext<TandemDbContext>();

        // The key ring lives in the database beside the records. With a certificate configured each
        // key is stored encrypted with it, so a copy of the database (a backup, say) cannot be used to
        // forge sign-in cookies or read protected values without the certificate as well.
        if (config["Security:KeyCertificatePath"] is { Length: > 0 } certificatePath)
        {
            var path = Path.IsPathRooted(certificatePath) ? certificatePath : Path.Combine(env.ContentRootPath, certificatePath);
            keyRing.ProtectKeysWithCertificate(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(path, config["Security:KeyCertificatePassword"]));
        }

        return services;
    }

    /// <summary>Applies migrations at start and sets the SQLite journal mode.</summary>
    public static async Task MigrateTandemDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var settings = services.GetRequiredService<DatabaseSettings>();
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            var csb = new SqliteConnectionStringBuilder(settings.ConnectionString);
            Directory.CreateDirectory(Path.GetDirectoryName(csb.DataSource)!);
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        using var system = db.Tenant.AsSystem();
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            // WAL is a property of the file: set it once, before anything else writes.
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            await db.Database.CloseConnectionAsync();
        }

        await db.Database.MigrateAsync(ct);
    }
}

/// <summary>
/// synchronous=FULL: a transaction is acknowledged only after its WAL frames reach the disk,
/// so neither a killed process nor a power cut loses an acknowledged write (QUALITY.md R1).
/// </summary>
internal sealed class SqliteDurability : DbConnectionInterceptor
{
    public static readonly SqliteDurability Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";
        command.ExecuteNonQuery();
    }
}
