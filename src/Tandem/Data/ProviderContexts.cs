using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Tandem.Features.Audit;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Data;

public sealed class SqliteTandemDbContext : TandemDbContext
{
    /// <summary>The app's pooled contexts are made with no one's tenant (nothing is visible) until leased for a request.</summary>
    public SqliteTandemDbContext(DbContextOptions<SqliteTandemDbContext> options)
        : base(options, new TenantContext(null), null)
    {
    }

    /// <summary>A context of its own, outside the app's pool (commands, tests, the bench's seeder, the design-time factory).</summary>
    internal SqliteTandemDbContext(DbContextOptions<SqliteTandemDbContext> options, TenantContext tenant, AuditTrail? audit = null)
        : base(options, tenant, audit)
    {
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no timestamp type: store UTC instants as sortable integers so
        // ordering and range queries run in SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }

    private protected override void UseTenantQueryCacheKeys(DbContextOptionsBuilder optionsBuilder) =>
        optionsBuilder.ReplaceService<ICompiledQueryCacheKeyGenerator, SqliteTenantQueryCacheKeys>();
}

public sealed class PostgresTandemDbContext : TandemDbContext
{
    /// <summary>The app's pooled contexts are made with no one's tenant (nothing is visible) until leased for a request.</summary>
    public PostgresTandemDbContext(DbContextOptions<PostgresTandemDbContext> options)
        : base(options, new TenantContext(null), null)
    {
    }

    /// <summary>A context of its own, outside the app's pool (commands, tests, the bench's seeder, the design-time factory).</summary>
    internal PostgresTandemDbContext(DbContextOptions<PostgresTandemDbContext> options, TenantContext tenant, AuditTrail? audit = null)
        : base(options, tenant, audit)
    {
    }

    private protected override void UseTenantQueryCacheKeys(DbContextOptionsBuilder optionsBuilder) =>
        optionsBuilder.ReplaceService<ICompiledQueryCacheKeyGenerator, PostgresTenantQueryCacheKeys>();
}

/// <summary>Used only by `dotnet ef` to build the SQLite migrations.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteTandemDbContext>
{
    public SqliteTandemDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteTandemDbContext>().UseSqlite("Data Source=design.db")
            .UseApplicationServiceProvider(DesignTime.Services).Options, TenantContext.ForSystem());
}

/// <summary>Used only by `dotnet ef` to build the PostgreSQL migrations (no server is contacted).</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresTandemDbContext>
{
    public PostgresTandemDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresTandemDbContext>().UseNpgsql("Host=localhost;Database=tandem_design")
            .UseApplicationServiceProvider(DesignTime.Services).Options, TenantContext.ForSystem());
}

/// <summary>Identity reads its schema version (passkeys need version 3) from the application's options.</summary>
internal static class DesignTime
{
    public static readonly IServiceProvider Services = new ServiceCollection()
        .Configure<IdentityOptions>(o => o.Stores.SchemaVersion = IdentitySchemaVersions.Version3)
        .BuildServiceProvider();
}
