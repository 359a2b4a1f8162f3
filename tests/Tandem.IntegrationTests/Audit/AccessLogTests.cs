using System.Net.Http.Json;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Audit;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Audit;

public sealed class AccessLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sam_sees_in_plain_words_that_Alex_opened_the_plan_and_outsiders_only_as_someone()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        await alex.GetJsonAsync($"/api/engagements/{sams}/plan");
        using var casey = await app.ClientForAsync("casey@riverside.test");
        await casey.GetJsonAsync($"/api/engagements/{sams}/plan", HttpStatusCode.NotFound);

        using var sam = await app.ClientForAsync("sam@riverside.test");
        var log = await sam.GetJsonAsync($"/api/engagements/{sams}/access-log");
        var sentences = log.EnumerateArray().Select(e => e.Str("sentence")).ToList();
        Assert.Contains("Alex Rivera opened the plan", sentences);
        Assert.Contains(sentences, s => s.StartsWith("Someone without access tried to open", StringComparison.Ordinal));
        Assert.DoesNotContain(sentences, s => s.Contains("Casey", StringComparison.Ordinal));

        var onlyAlex = await sam.GetJsonAsync($"/api/engagements/{sams}/access-log?who={(await alex.GetJsonAsync("/api/me")).Id()}&kind=read");
        Assert.All(onlyAlex.EnumerateArray(), e => Assert.Equal("Alex Rivera", e.Str("who")));

        Assert.Equal(HttpStatusCode.NotFound, await casey.StatusOfGetAsync($"/api/engagements/{sams}/access-log"));
        using var admin = await app.ClientForAsync("admin@riverside.test");
        Assert.Equal(HttpStatusCode.NotFound, await admin.StatusOfGetAsync($"/api/engagements/{sams}/access-log"));
    }

    [Fact]
    public async Task Sign_ins_failures_slow_downs_and_permission_changes_are_in_the_security_log_without_clinical_text()
    {
        await using var app = await TandemApp.StartAsync();
        using var anonymous = app.CreateAnonymousClient();
        for (var i = 0; i < 5; i++)
        {
            await anonymous.PostAsJsonAsync("/api/auth/login", new { email = "jordan@riverside.test", password = $"wrong-{i}-password" }, Ct);
        }

        using var admin = await app.ClientForAsync("admin@riverside.test");
        var casey = await Accounts.SignInTests.IdOf(app, "casey@riverside.test");
        await admin.PostAsync($"/api/practice/people/{casey}/deactivate", null, Ct);

        var log = await admin.GetJsonAsync("/api/practice/security-log?take=200");
        var events = log.EnumerateArray().Select(e => e.Str("event")).ToList();
        Assert.Contains("Signed in to the app", events);
        Assert.Contains("Sign-in failed in the app: wrong password", events);
        Assert.Contains("Sign-in slowed down after repeated failures", events);
        Assert.Contains("Account deactivated", events);
        Assert.DoesNotContain("footing", log.GetRawText(), StringComparison.OrdinalIgnoreCase);

        await app.WithDbAsync(async db =>
        {
            var signIns = await db.AuditEntries.Where(e => e.ObjectType == "SignIn").ToListAsync(Ct);
            Assert.All(signIns, e => Assert.False(string.IsNullOrEmpty(e.SourceAddress)));
            Assert.Contains(signIns, e => e.Outcome == AuditOutcome.Failure && e.Role == "Client");
        });
    }

    [Fact]
    public async Task Break_glass_needs_a_reason_works_for_an_hour_only_and_participants_are_told_and_see_it()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var admin = await app.ClientForAsync("admin@riverside.test");

        Assert.Equal(HttpStatusCode.NotFound, await admin.StatusOfGetAsync($"/api/engagements/{sams}/plan"));
        await admin.PostJsonAsync("/api/practice/break-glass", new { engagementId = sams, reason = "" }, HttpStatusCode.BadRequest);
        await admin.PostJsonAsync("/api/practice/break-glass", new { engagementId = sams, reason = "short" }, HttpStatusCode.UnprocessableEntity);
        await admin.PostJsonAsync("/api/practice/break-glass", new { engagementId = sams, reason = "Sam's family called about immediate safety concerns" }, HttpStatusCode.Created);

        var plan = await admin.GetJsonAsync($"/api/engagements/{sams}/plan");
        Assert.False(string.IsNullOrEmpty(plan.Str("focus")));
        // Read only: no changes under emergency access.
        await admin.PostJsonAsync($"/api/engagements/{sams}/proposals", new { kind = "AddGoal", text = "x" }, HttpStatusCode.NotFound);

        using var sam = await app.ClientForAsync("sam@riverside.test");
        var log = await sam.GetJsonAsync($"/api/engagements/{sams}/access-log");
        var glass = log.EnumerateArray().First(e => e.GetProperty("breakGlass").GetBoolean() && e.Str("objectType") == "Plan");
        Assert.Equal("Dana Whitfield opened the plan under emergency (break-glass) access", glass.Str("sentence"));
        Assert.Equal("Sam's family called about immediate safety concerns", glass.Str("breakGlassReason"));
        Assert.Contains(log.EnumerateArray(), e => e.Str("sentence") == "Dana Whitfield started emergency (break-glass) access");

        await app.WithDbAsync(async db =>
        {
            var mails = await db.Set<Tandem.Infrastructure.Mail.OutboxMessage>().Where(m => m.Kind == "break-glass").Select(m => m.To).ToListAsync(Ct);
            Assert.Contains("sam@riverside.test", mails);
            Assert.Contains("alex@riverside.test", mails);
        });

        app.Clock.Advance(TimeSpan.FromMinutes(61));
        using var adminLater = await app.ClientForAsync("admin@riverside.test");
        Assert.Equal(HttpStatusCode.NotFound, await adminLater.StatusOfGetAsync($"/api/engagements/{sams}/plan"));
    }
}
