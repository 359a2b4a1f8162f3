using Tandem.Infrastructure.Hosting;
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
/// <param name="ConnectionString">What the app works through: on PostgreSQL the runtime role (read and write, no schema changes).</param>
/// <param name="MigrationsConnectionString">What migrations run through: on PostgreSQL the owner role of the tables
/// (<c>ConnectionStrings:Migrations</c>), or the runtime connection when there is only one role.</param>
/// <param name="MigrateOnStart">Whether the app applies migrations itself when it starts (<c>Database:MigrateOnStart</c>).</param>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString, string DataFolder,
    string MigrationsConnectionString, bool MigrateOnStart)
{
    public DatabaseSettings(DatabaseProvider provider, string connectionString, string dataFolder)
        : this(provider, connectionString, dataFolder, connectionString, true)
    {
    }

    /// <summary>
    /// The role the migrations grant read and write to: the runtime connection's user, when it is not the
    /// migrations' own (PostgreSQL with two roles); null with one role, or on SQLite.
    /// </summary>
    public string? RuntimeRole
    {
        get
        {
            if (Provider != DatabaseProvider.Postgres)
            {
                return null;
            }

            var runtime = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString).Username;
            var owner = new Npgsql.NpgsqlConnectionStringBuilder(MigrationsConnectionString).Username;
            return string.IsNullOrEmpty(runtime) || string.Equals(runtime, owner, StringComparison.Ordinal) ? null : runtime;
        }
    }

    /// <summary>
    /// Npgsql's automatic preparation (<c>Max Auto Prepare</c>) stays off, as Npgsql ships it. Measured here (issue 25) it
    /// saved a third of PostgreSQL's CPU on the therapist's Today, but with Npgsql 10.0 a statement refused by the
    /// database at the moment it is being prepared (a too-long value, a second insert with the same idempotency key)
    /// leaves that statement broken on its pooled connection: its next use fails with "Received unexpected backend
    /// message DataRow" and its row is not written (npgsql/npgsql#6391, reproduced on this stack). Tandem refuses
    /// duplicate submissions by design, so the next risk answer could be lost. Not worth any speed.
    /// Returns a sentence for the operator when their connection string turns it on; null when it does not.
    /// </summary>
    public static string? AutoPrepareWarning(string connectionString)
    {
        if (new Npgsql.NpgsqlConnectionStringBuilder(connectionString).MaxAutoPrepare <= 0)
        {
            return null;
        }

        return "ConnectionStrings:Postgres sets Max Auto Prepare: with Npgsql 10 a refused statement can break the next write of the same kind "
            + "on that connection (npgsql/npgsql#6391), and Tandem refuses duplicate submissions by design. Remove it (docs/operations.md).";
    }

    /// <summary>
    /// The runtime pool skips Npgsql's <c>DISCARD ALL</c> when a connection goes back to it (<c>No Reset On Close</c>), unless
    /// the connection string says otherwise. EF opens and closes the connection around each query, so a page paid a reset
    /// (and its round trip) per query: seven on the access log. Nothing is left on a connection to reset: the practice is
    /// set transaction-locally with each command (<see cref="PracticeRowSecurity"/>), and Tandem never sets a session
    /// setting, prepares a statement, listens, takes a session lock or makes a temporary table on it
    /// (RowLevelSecurityTests checks the pooled connection). The owner's connection for migrations keeps the reset.
    /// </summary>
    internal static string WithoutResetOnClose(string connectionString)
    {
        // Npgsql's own builder answers every keyword it knows; the plain one holds only what the string says.
        var said = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (said.Keys.Cast<string>().Any(k => k.Replace(" ", "", StringComparison.Ordinal).Equals("NoResetOnClose", StringComparison.OrdinalIgnoreCase)))
        {
            return connectionString;
        }

        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true };
        return builder.ConnectionString;
    }

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

            var migrations = config.GetConnectionString("Migrations") is { Length: > 0 } owner ? owner : cs;
            cs = WithoutResetOnClose(cs);

            // An upgrade on PostgreSQL in production is an operator's step (`Tandem migrate`, as the owner):
            // the app itself normally runs as a role that cannot change the schema.
            var migrateOnStart = Setting.Get<bool>(config, "Database:MigrateOnStart") ?? !env.IsProduction();
            return new DatabaseSettings(provider, cs, dataFolder, migrations, migrateOnStart);
        }

        var path = Path.GetFullPath(config["Database:SqlitePath"] ?? Path.Combine(dataFolder, "tandem.db"), env.ContentRootPath);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = true,
            // Microsoft.Data.Sqlite retries a busy database until the command timeout.
            DefaultTimeout = 30,
        };
        var sqlite = builder.ToString();
        return new DatabaseSettings(provider, sqlite, dataFolder, sqlite, Setting.Get<bool>(config, "Database:MigrateOnStart") ?? true);
    }
}

/// <summary>What a migration run did: the migrations it applied, the one the database is at now, the runtime role it granted to.</summary>
public sealed record MigrationOutcome(IReadOnlyList<string> Applied, string? Latest, string? RuntimeRoleGranted);

public static class DatabaseSetup
{
    /// <summary>
    /// Before migrating, EF diffs the whole model against the last migration's snapshot on every start, only to warn
    /// about a model change that has no migration. That diff was a twentieth of the CPU of an integration test. The
    /// same check runs once per build instead, for both providers (MigrationTests), so such a change cannot land.
    /// </summary>
    private static void SkipModelDiffOnMigrate(Microsoft.EntityFrameworkCore.Diagnostics.WarningsConfigurationBuilder warnings) =>
        warnings.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.PendingModelChangesWarning);

    public static IServiceCollection AddTandemDatabase(this IServiceCollection services, IConfiguration config, IHostEnvironment env)
    {
        var settings = DatabaseSettings.From(config, env);
        services.AddSingleton(settings);
        services.AddHttpContextAccessor();
        services.AddScoped(sp => new TenantContext(sp.GetService<IHttpContextAccessor>()));
        services.AddSingleton<AccountStatusInvalidator>();
        var viewCache = Infrastructure.Caching.ViewCacheStore.From(config);
        var checkpoints = SqliteCheckpointer.Timing.From(config);
        services.AddSingleton(_ => viewCache);
        services.AddSingleton(_ => new Infrastructure.Caching.ListMarkupStore(viewCache.Enabled));
        services.AddScoped<Infrastructure.Caching.ViewCache>();
        services.AddScoped<Infrastructure.Caching.KeptMarkup>();
        // Read at start: Production without the audit chain key stops here, with one sentence naming the setting.
        services.AddSingleton(Features.Audit.AuditChainKeys.Load(config, env, settings.DataFolder));
        services.AddScoped<Features.Audit.AuditTrail>();
        services.AddScoped<Features.Audit.AuditOccasion>();
        services.AddScoped<Features.Audit.BreakGlassContext>();
        services.AddSingleton<Features.Audit.AuditWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<Features.Audit.AuditWriter>());

        // Pooled: a request takes a context set up before and gives it back (TandemDbContext.Lease).
        if (settings.Provider == DatabaseProvider.Postgres)
        {
            services.AddPooledDbContextFactory<PostgresTandemDbContext>((sp, o) => TandemDbContext.WithTenantQueries<PostgresTenantQueryCacheKeys>(o
                .UseNpgsql(settings.ConnectionString)
                .ConfigureWarnings(SkipModelDiffOnMigrate)
                .AddInterceptors(PracticeRowSecurity.Instance, sp.GetRequiredService<AccountStatusInvalidator>())));
            services.AddScoped<TandemDbContext>(sp => sp.GetRequiredService<IDbContextFactory<PostgresTandemDbContext>>().CreateDbContext()
                .Lease(sp.GetRequiredService<TenantContext>(), sp.GetService<Features.Audit.AuditTrail>()));
        }
        else
        {
            var durability = new SqliteDurability(checkpoints.AutoCheckpointPages);
            // A list in a query (ids, kinds of record) is one JSON parameter, as PostgreSQL's is one array: with a parameter
            // per element EF wrote the SQL again at every execution (with the tenant filter's, 8% of the access log's CPU).
            services.AddPooledDbContextFactory<SqliteTandemDbContext>((sp, o) => TandemDbContext.WithTenantQueries<SqliteTenantQueryCacheKeys>(o
                .UseSqlite(settings.ConnectionString, sqlite => sqlite.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter))
                .ConfigureWarnings(SkipModelDiffOnMigrate)
                .AddInterceptors(durability, sp.GetRequiredService<AccountStatusInvalidator>())));
            services.AddScoped<TandemDbContext>(sp => sp.GetRequiredService<IDbContextFactory<SqliteTandemDbContext>>().CreateDbContext()
                .Lease(sp.GetRequiredService<TenantContext>(), sp.GetService<Features.Audit.AuditTrail>()));
        }

        // The options are built once (a singleton), not for every request: EF finds a context's internal services by
        // hashing its options, and a fresh set each request was hashed afresh each time (issue 25).

        // Migrations must run before anything else touches the database (hosted services
        // start in registration order; Data Protection reads its key ring at start).
        // Demo:Seed is read now: a value Tandem cannot read stops the build with one sentence, not the host's start with a stack trace.
        var seedDemo = Infrastructure.Hosting.DatabaseInitializer.ShouldSeedDemo(config, env);
        services.AddHostedService(sp => ActivatorUtilities.CreateInstance<Infrastructure.Hosting.DatabaseInitializer>(sp, seedDemo));
        services.AddSingleton(SqliteStatistics.Timing.From(config));
        services.AddSingleton<SqliteStatistics>();
        services.AddHostedService(sp => sp.GetRequiredService<SqliteStatistics>());
        services.AddSingleton(checkpoints);
        services.AddSingleton<SqliteCheckpointer>();
        services.AddHostedService(sp => sp.GetRequiredService<SqliteCheckpointer>());
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

    /// <summary>
    /// What the app and its commands do first: migrate (Database:MigrateOnStart), or refuse to work on a
    /// database whose schema is behind this version.
    /// </summary>
    public static async Task PrepareTandemDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var settings = services.GetRequiredService<DatabaseSettings>();
        if (settings.Provider == DatabaseProvider.Postgres && DatabaseSettings.AutoPrepareWarning(settings.ConnectionString) is { } warning)
        {
            services.GetRequiredService<ILoggerFactory>().CreateLogger("Tandem.Database").LogWarning("{Warning}", warning);
        }

        if (settings.MigrateOnStart)
        {
            await services.MigrateTandemDatabaseAsync(ct);
            return;
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0)
        {
            throw new InvalidOperationException(
                $"The database is {pending.Count} migration(s) behind this version of Tandem (next: {pending[0]}). " +
                "Run `dotnet Tandem.dll migrate` with the owner's connection (ConnectionStrings:Migrations) first, or set Database:MigrateOnStart=true.");
        }
    }

    /// <summary>
    /// Applies the migrations (on PostgreSQL through the owner's connection, in system scope) and, with two
    /// roles, grants the runtime role what it needs; sets the SQLite journal mode.
    /// </summary>
    public static async Task<MigrationOutcome> MigrateTandemDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
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
        var ownerConnection = settings.Provider == DatabaseProvider.Postgres ? MigrationsSession(settings) : null;
        try
        {
            if (ownerConnection is not null)
            {
                db.Database.SetConnectionString(ownerConnection);
            }
            else
            {
                // WAL is a property of the file: set it once, before anything else writes.
                await db.Database.OpenConnectionAsync(ct);
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
                await db.Database.CloseConnectionAsync();
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            await db.Database.MigrateAsync(ct);
            var role = settings.RuntimeRole;
            if (role is not null)
            {
                await db.Database.ExecuteSqlRawAsync(RuntimeGrants(role), ct);
            }

            return new MigrationOutcome(pending, db.Database.GetMigrations().LastOrDefault(), role);
        }
        finally
        {
            if (ownerConnection is not null)
            {
                // The owner's connections are for migrating only: none stays open in the pool.
                await using var pooled = new Npgsql.NpgsqlConnection(ownerConnection);
                Npgsql.NpgsqlConnection.ClearPool(pooled);
            }
            else
            {
                // Migrations may switch foreign keys off on the connection they use (table rebuilds): no
                // connection that ran them stays in the pool, so every later one gets SqliteDurability's settings.
                await using var pooled = new SqliteConnection(settings.ConnectionString);
                SqliteConnection.ClearPool(pooled);
            }
        }
    }

    /// <summary>
    /// The owner's connection, its session in system scope: row-level security is forced on the owner too,
    /// and migrations may have rows of every practice to move. A pool of its own (the connection string differs).
    /// </summary>
    internal static string MigrationsSession(DatabaseSettings settings)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(settings.MigrationsConnectionString);
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? "-c tandem.system=on" : builder.Options + " -c tandem.system=on";
        return builder.ConnectionString;
    }

    /// <summary>
    /// Read and write on every table and sequence, now and for tables the owner creates later; the audit trail
    /// only read and appended; the migrations history only read (to check the schema at start). Never ownership,
    /// so no ALTER, DROP, TRUNCATE or switching triggers off. Idempotent: run after every migration.
    /// </summary>
    internal static string RuntimeGrants(string role)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(role, "^[A-Za-z_][A-Za-z0-9_.-]{0,62}$"))
        {
            throw new InvalidOperationException($"The runtime role's name '{role}' is not a plain PostgreSQL role name (letters, digits, _ . -).");
        }

        var r = "\"" + role + "\"";
        return $"""
            GRANT USAGE ON SCHEMA public TO {r};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r};
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r};
            ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r};
            ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {r};
            REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "AuditEntries" FROM {r};
            REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "AuditListReads" FROM {r};
            REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "__EFMigrationsHistory" FROM {r};
            """;
    }
}

/// <summary>
/// synchronous=FULL: a transaction is acknowledged only after its WAL frames reach the disk,
/// so neither a killed process nor a power cut loses an acknowledged write (QUALITY.md R1).
/// The settings belong to the SQLite connection itself and stay with it in the pool, so they are applied
/// once per physical connection (its native handle), not on every open: a page opens the pool a score of times.
/// wal_autocheckpoint: with <see cref="SqliteCheckpointer"/> on, a commit only checkpoints by itself as a fallback.
/// </summary>
internal sealed class SqliteDurability(int autoCheckpointPages) : DbConnectionInterceptor
{
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> _configured = new();

    private readonly string _pragmas = $"PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000; PRAGMA wal_autocheckpoint={autoCheckpointPages};";

    private static readonly object Done = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        var handle = (connection as SqliteConnection)?.Handle;
        if (handle is not null && _configured.TryGetValue(handle, out _))
        {
            return;
        }

        using (var command = connection.CreateCommand())
        {
            command.CommandText = _pragmas;
            command.ExecuteNonQuery();
        }

        if (handle is not null)
        {
            _configured.AddOrUpdate(handle, Done);
        }
    }
}
