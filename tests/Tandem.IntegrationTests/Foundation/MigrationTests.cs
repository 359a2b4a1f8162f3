using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.IntegrationTests.Foundation;

/// <summary>A model change without a migration for either provider fails here, whichever provider the suite runs on.</summary>
public sealed class MigrationTests
{
    private static readonly IServiceProvider IdentityServices = new ServiceCollection()
        .Configure<IdentityOptions>(o => o.Stores.SchemaVersion = IdentitySchemaVersions.Version3)
        .BuildServiceProvider();

    [Fact]
    public void Sqlite_migrations_match_the_model()
    {
        using var db = new SqliteTandemDbContext(
            new DbContextOptionsBuilder<SqliteTandemDbContext>().UseSqlite("Data Source=:memory:").UseApplicationServiceProvider(IdentityServices).Options,
            TenantContext.ForSystem());
        Assert.False(db.Database.HasPendingModelChanges(), "The SQLite model has changes without a migration: run dotnet ef migrations add for SqliteTandemDbContext.");
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Fact]
    public void Postgres_migrations_match_the_model()
    {
        using var db = new PostgresTandemDbContext(
            new DbContextOptionsBuilder<PostgresTandemDbContext>().UseNpgsql("Host=localhost;Database=unused").UseApplicationServiceProvider(IdentityServices).Options,
            TenantContext.ForSystem());
        Assert.False(db.Database.HasPendingModelChanges(), "The PostgreSQL model has changes without a migration: run dotnet ef migrations add for PostgresTandemDbContext.");
        Assert.NotEmpty(db.Database.GetMigrations());
    }
}
