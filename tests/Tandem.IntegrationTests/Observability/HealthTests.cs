using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Practices;
using Tandem.Infrastructure.Mail;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Observability;

/// <summary>
/// Issue 26, item 5: /health/live says the process is up; /health/ready says the database answers, has
/// every migration of this version and mail is going out, and when not, names the failed check in plain
/// words (503) without a connection string, an address or an exception's text. Anonymous; on
/// PostgreSQL through the runtime role under row-level security.
/// </summary>
public sealed class HealthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Live_answers_Healthy_to_anyone()
    {
        await using var app = await TandemApp.StartAsync(seeded: false);
        using var client = app.CreateAnonymousClient();

        using var response = await client.GetAsync("/health/live", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Ready_answers_200_on_a_freshly_migrated_database()
    {
        await using var app = await TandemApp.StartAsync();
        using var client = app.CreateAnonymousClient();

        var (status, body) = await ReadyAsync(client);

        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {body}");
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal(["database", "migrations", "outbox"], body.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        Assert.All(body.GetProperty("checks").EnumerateArray(), c => Assert.Equal("Healthy", c.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Ready_answers_503_naming_the_outbox_when_an_email_has_waited_longer_than_the_max_age()
    {
        await using var app = await TandemApp.StartAsync(settings: new() { ["Health:OutboxMaxAge"] = "00:10:00" });
        using var client = app.CreateAnonymousClient();
        const string to = "waiting.person@riverside.test";
        await app.WithDbAsync(async db =>
        {
            var practice = await db.Set<Practice>().Select(p => p.Id).FirstAsync(Ct);
            // Queued 11 minutes ago and failing since (its next try is an hour away, so the dispatcher leaves it).
            db.Add(OutboxMessage.Create(practice, to, "Something for you in Tandem", "Open Tandem to see it.", "test",
                app.Clock.GetUtcNow().AddMinutes(-11), delay: TimeSpan.FromHours(1)));
            await db.SaveChangesAsync(Ct);
        });

        var (status, body) = await ReadyAsync(client);

        Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{(int)status}: {body}");
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        var outbox = Check(body, "outbox");
        Assert.Equal("Unhealthy", outbox.GetProperty("status").GetString());
        Assert.Contains("11 minutes", outbox.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("Healthy", Check(body, "database").GetProperty("status").GetString());
        AssertNothingSecret(app, body.ToString(), to);

        // A younger message is no reason: with the max age raised past it, ready again.
        await using var patient = await TandemApp.StartAsync(settings: new() { ["Health:OutboxMaxAge"] = "00:30:00" });
        await patient.WithDbAsync(async db =>
        {
            var practice = await db.Set<Practice>().Select(p => p.Id).FirstAsync(Ct);
            db.Add(OutboxMessage.Create(practice, to, "Something for you in Tandem", "Open Tandem to see it.", "test",
                patient.Clock.GetUtcNow().AddMinutes(-11), delay: TimeSpan.FromHours(1)));
            await db.SaveChangesAsync(Ct);
        });
        using var patientClient = patient.CreateAnonymousClient();
        var (patientStatus, patientBody) = await ReadyAsync(patientClient);
        Assert.True(patientStatus == HttpStatusCode.OK, $"{(int)patientStatus}: {patientBody}");
    }

    [Fact]
    public async Task Ready_answers_503_naming_the_migrations_when_the_database_is_behind_this_version()
    {
        await using var app = await TandemApp.StartAsync(seeded: false);
        using var client = app.CreateAnonymousClient();
        var (before, _) = await ReadyAsync(client);
        Assert.Equal(HttpStatusCode.OK, before);

        // The database as it was before this version's last migration (a restore of an older backup under a running app).
        await using (var raw = await app.OpenRawConnectionAsync())
        {
            await using var command = raw.CreateCommand();
            command.CommandText = """DELETE FROM "__EFMigrationsHistory" WHERE "MigrationId" = (SELECT MAX("MigrationId") FROM "__EFMigrationsHistory")""";
            Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
        }

        var (status, body) = await ReadyAsync(client);

        Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{(int)status}: {body}");
        var migrations = Check(body, "migrations");
        Assert.Equal("Unhealthy", migrations.GetProperty("status").GetString());
        Assert.Contains("1 migration(s) behind", migrations.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("Healthy", Check(body, "outbox").GetProperty("status").GetString());
        AssertNothingSecret(app, body.ToString(), null);

        // Live does not depend on the database's state.
        using var live = await client.GetAsync("/health/live", Ct);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Monitoring_is_never_rate_limited_and_never_sets_a_cookie()
    {
        await using var app = await TandemApp.StartAsync(settings: new() { ["Security:SignInPermitLimit"] = "2" });
        using var client = app.CreateAnonymousClient();
        for (var i = 0; i < 30; i++)
        {
            using var live = await client.GetAsync("/health/live", Ct);
            using var ready = await client.GetAsync("/health/ready", Ct);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.False(ready.Headers.Contains("Set-Cookie"));
            Assert.Contains("no-store", ready.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        }
    }

    private static JsonElement Check(JsonElement body, string name) =>
        body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health/ready", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", $"{(int)response.StatusCode} {response.Content.Headers.ContentType}: {text}");
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static void AssertNothingSecret(TandemApp app, string body, string? email)
    {
        Assert.DoesNotContain("@", body, StringComparison.Ordinal);
        if (email is not null)
        {
            Assert.DoesNotContain(email, body, StringComparison.OrdinalIgnoreCase);
        }

        foreach (var secret in new[] { "Host=", "Username", "Password", "Data Source", app.Database.SqlitePath ?? "\u0001", app.Database.Name })
        {
            Assert.DoesNotContain(secret, body, StringComparison.OrdinalIgnoreCase);
        }
    }
}
