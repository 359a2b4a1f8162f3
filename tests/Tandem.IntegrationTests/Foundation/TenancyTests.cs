using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Practices;
using Tandem.IntegrationTests.Support;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.IntegrationTests.Foundation;

/// <summary>Practices are tenants: one global filter means no query, and no write, crosses them.</summary>
public sealed class TenancyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Queries_in_one_practice_never_see_another_practice()
    {
        await using var app = await TandemApp.StartAsync();
        Guid riverside = Guid.Empty, harbor = Guid.Empty;
        await app.WithDbAsync(async db =>
        {
            riverside = (await db.Practices.SingleAsync(p => p.Name == "Riverside", Ct)).Id;
            harbor = (await db.Practices.SingleAsync(p => p.Name == "Harbor", Ct)).Id;
        });

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        using (db.Tenant.Use(riverside))
        {
            var emails = await db.Users.Select(u => u.Email).ToListAsync(Ct);
            Assert.Contains("sam@riverside.test", emails);
            Assert.DoesNotContain(emails, e => e!.EndsWith("@harbor.test", StringComparison.Ordinal));
            Assert.Equal(["Riverside"], await db.Practices.Select(p => p.Name).ToListAsync(Ct));
            Assert.Null(await db.Users.FirstOrDefaultAsync(u => u.Email == "kim@harbor.test", Ct));
        }
    }

    [Fact]
    public async Task Without_a_practice_nothing_is_visible()
    {
        await using var app = await TandemApp.StartAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        Assert.Equal(0, await db.Users.CountAsync(Ct));
        Assert.Equal(0, await db.Practices.CountAsync(Ct));
    }

    [Fact]
    public async Task Saving_a_row_of_another_practice_is_refused()
    {
        await using var app = await TandemApp.StartAsync();
        Guid riverside = Guid.Empty, harbor = Guid.Empty;
        await app.WithDbAsync(async db =>
        {
            riverside = (await db.Practices.SingleAsync(p => p.Name == "Riverside", Ct)).Id;
            harbor = (await db.Practices.SingleAsync(p => p.Name == "Harbor", Ct)).Id;
        });

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        using (db.Tenant.Use(riverside))
        {
            db.Users.Add(TandemUser.Create(harbor, "intruder@harbor.test", "Intruder", PersonRole.Client, "UTC", DateTimeOffset.UtcNow));
            await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Ct));
        }

        await app.WithDbAsync(async d => Assert.False(await d.Users.AnyAsync(u => u.Email == "intruder@harbor.test", Ct)));
    }
}
