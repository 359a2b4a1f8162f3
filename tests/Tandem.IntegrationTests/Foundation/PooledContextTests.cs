using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Foundation;

/// <summary>
/// The app's database contexts are pooled (issue 25): a request takes one a previous request gave back. Whose request it
/// serves (the person, their practice, their audit trail) and which connection it uses must be the new request's only.
/// </summary>
public sealed class PooledContextTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_context_given_back_by_one_practice_serves_the_next_request_as_the_other_practice_only()
    {
        await using var app = await TandemApp.StartAsync();

        // Contexts are reused: a few requests in a row share fewer contexts than requests.
        var instances = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            instances.Add(scope.ServiceProvider.GetRequiredService<TandemDbContext>().ContextId.InstanceId);
        }

        Assert.True(instances.Distinct().Count() < instances.Count, "five requests in a row took five new contexts: the pool is not used");

        // Two practices' therapists, one after the other: each sees their own engagements, every time.
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var kim = await app.ClientForAsync("kim@harbor.test");
        var alexFirst = await EngagementIdsAsync(alex);
        var kimFirst = await EngagementIdsAsync(kim);
        Assert.NotEmpty(alexFirst);
        Assert.NotEmpty(kimFirst);
        Assert.Empty(alexFirst.Intersect(kimFirst));
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(alexFirst, await EngagementIdsAsync(alex));
            Assert.Equal(kimFirst, await EngagementIdsAsync(kim));
        }

        // Alex's own access log names only Alex's practice's people and engagements (the audit trail is the request's own).
        var harborEngagement = kimFirst[0];
        await alex.GetJsonAsync($"/api/engagements/{harborEngagement}", System.Net.HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_context_pointed_at_the_owner_goes_back_to_the_pool_as_the_runtime_role()
    {
        if (TestEnvironment.Provider != TestProvider.Postgres)
        {
            return;
        }

        await using var app = await TandemApp.StartAsync(seeded: false);
        Guid used;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // What migrating on start does (DatabaseSetup): the owner's connection, in system scope.
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            used = db.ContextId.InstanceId;
            db.Database.SetConnectionString(DatabaseSetup.MigrationsSession(app.Services.GetRequiredService<DatabaseSettings>()));
            Assert.Equal(TestDatabase.OwnerRole, await CurrentUserAsync(db));
        }

        // The next request that gets that context works as the runtime role, under row-level security.
        for (var i = 0; i < 20; i++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            if (db.ContextId.InstanceId != used)
            {
                continue;
            }

            Assert.Equal(TestDatabase.RuntimeRole, await CurrentUserAsync(db));
            Assert.Equal("", await db.Database.SqlQueryRaw<string>("SELECT coalesce(current_setting('tandem.system', true), '') AS \"Value\"").SingleAsync(Ct));
            return;
        }

        Assert.Fail("the context was not handed out again in twenty requests");
    }

    [Fact]
    public async Task An_account_change_whose_save_failed_never_ends_sessions_at_a_later_save_on_the_same_context()
    {
        await using var app = await TandemApp.StartAsync();
        using var sam = await app.ClientForAsync("sam@riverside.test");
        await sam.GetJsonAsync("/api/engagements");

        Guid used;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // A change that would end Sam's sessions (a new security stamp), in a save the database refuses.
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            used = db.ContextId.InstanceId;
            using var system = db.Tenant.AsSystem();
            var users = await db.Users.Where(u => u.Email == "sam@riverside.test" || u.Email == "jordan@riverside.test").ToListAsync(Ct);
            var samUser = users.Single(u => u.Email == "sam@riverside.test");
            samUser.SecurityStamp = Guid.NewGuid().ToString();
            samUser.NormalizedUserName = users.Single(u => u.Email == "jordan@riverside.test").NormalizedUserName;
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
        }

        // The next request on that context saves something else: Sam is still signed in.
        for (var i = 0; i < 20; i++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            if (db.ContextId.InstanceId != used)
            {
                continue;
            }

            using var system = db.Tenant.AsSystem();
            var alex = await db.Users.SingleAsync(u => u.Email == "alex@riverside.test", Ct);
            db.Add(Tandem.Features.Engagements.Engagement.Start(alex.PracticeId, "Pooled context check", Tandem.Features.Engagements.EngagementFormat.ClientLed, alex.Id, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync(Ct);
            await sam.GetJsonAsync("/api/engagements");
            return;
        }

        Assert.Fail("the context was not handed out again in twenty requests");
    }

    private static async Task<string> CurrentUserAsync(TandemDbContext db) =>
        await db.Database.SqlQueryRaw<string>("SELECT current_user::text AS \"Value\"").SingleAsync(Ct);

    private static async Task<List<string>> EngagementIdsAsync(HttpClient client)
    {
        var list = await client.GetJsonAsync("/api/engagements");
        return [.. list.EnumerateArray().Select(e => e.GetProperty("id").GetString()!).Order(StringComparer.Ordinal)];
    }
}
