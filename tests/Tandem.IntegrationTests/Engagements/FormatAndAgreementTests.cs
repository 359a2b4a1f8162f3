using System.Net.Http.Json;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Engagements;

public sealed class FormatAndAgreementTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_format_change_applies_only_when_every_other_participant_accepts()
    {
        await using var app = await TandemApp.StartAsync();
        var couple = await Demo.CouplesEngagementAsync(app);
        using var riley = await app.ClientForAsync("riley@riverside.test");
        using var avery = await app.ClientForAsync("avery@riverside.test");
        using var morgan = await app.ClientForAsync("morgan@riverside.test");

        var proposal = await riley.PostJsonAsync($"/api/engagements/{couple}/format", new { format = "ClientLed", reason = "We would like to lead more." }, HttpStatusCode.Created);
        Assert.Equal("Pending", proposal.Str("status"));
        Assert.Equal(2, proposal.GetProperty("waitingFor").GetArrayLength());

        // The author cannot answer their own proposal.
        await riley.PostJsonAsync($"/api/proposals/{proposal.Id()}/accept", null, HttpStatusCode.Conflict);

        var half = await morgan.PostJsonAsync($"/api/proposals/{proposal.Id()}/accept", new { comment = "Happy to." }, HttpStatusCode.OK);
        Assert.Equal("Pending", half.Str("status"));
        Assert.Equal("TherapistLed", (await morgan.GetJsonAsync($"/api/engagements/{couple}")).Str("format"));

        var done = await avery.PostJsonAsync($"/api/proposals/{proposal.Id()}/accept", null, HttpStatusCode.OK);
        Assert.Equal("Applied", done.Str("status"));
        Assert.Equal("ClientLed", (await morgan.GetJsonAsync($"/api/engagements/{couple}")).Str("format"));

        // Decided proposals take no more answers.
        await morgan.PostJsonAsync($"/api/proposals/{proposal.Id()}/decline", null, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_declined_format_change_stays_in_the_history_and_changes_nothing()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var sam = await app.ClientForAsync("sam@riverside.test");

        var proposal = await alex.PostJsonAsync($"/api/engagements/{sams}/format", new { format = "TherapistLed" }, HttpStatusCode.Created);
        await sam.PostJsonAsync($"/api/proposals/{proposal.Id()}/decline", new { comment = "I like leading." }, HttpStatusCode.OK);

        var history = await sam.GetJsonAsync($"/api/engagements/{sams}/proposals");
        var declined = history.EnumerateArray().Single(p => p.Id() == proposal.Id());
        Assert.Equal("Declined", declined.Str("status"));
        Assert.Equal("I like leading.", declined.GetProperty("responses")[0].Str("comment"));
        Assert.Equal("ClientLed", (await sam.GetJsonAsync($"/api/engagements/{sams}")).Str("format"));
    }

    [Fact]
    public async Task Withdrawing_the_agreement_pauses_the_work_and_tells_the_therapist_without_clinical_detail()
    {
        await using var app = await TandemApp.StartAsync();
        var jordans = await Demo.JordansEngagementAsync(app);
        using var jordan = await app.ClientForAsync("jordan@riverside.test");

        await jordan.PostJsonAsync($"/api/engagements/{jordans}/agreement/withdraw", null, HttpStatusCode.OK);

        var view = await jordan.GetJsonAsync($"/api/engagements/{jordans}");
        Assert.Equal("Paused", view.Str("status"));
        using var refused = await jordan.PostAsJsonAsync($"/api/engagements/{jordans}/format", new { format = "ClientLed" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);

        await app.WithDbAsync(async db =>
        {
            var mail = await db.Set<Tandem.Infrastructure.Mail.OutboxMessage>().SingleAsync(m => m.To == "alex@riverside.test", Ct);
            Assert.DoesNotContain("Jordan", mail.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain("move", mail.TextBody, StringComparison.Ordinal);
        });

        // Alex cannot resume until Jordan signs again.
        using var alex = await app.ClientForAsync("alex@riverside.test");
        await alex.PostJsonAsync($"/api/engagements/{jordans}/resume", null, HttpStatusCode.Conflict);
        await jordan.PostJsonAsync($"/api/engagements/{jordans}/agreement/sign", null, HttpStatusCode.OK);
        var resumed = await alex.PostJsonAsync($"/api/engagements/{jordans}/resume", null, HttpStatusCode.OK);
        Assert.Equal("Active", resumed.Str("status"));
    }

    [Fact]
    public async Task An_ended_engagement_stays_readable_and_takes_no_new_content()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var sam = await app.ClientForAsync("sam@riverside.test");

        // Only a therapist ends it.
        await sam.PostJsonAsync($"/api/engagements/{sams}/end", null, HttpStatusCode.NotFound);
        await alex.PostJsonAsync($"/api/engagements/{sams}/end", null, HttpStatusCode.OK);

        Assert.Equal("Ended", (await sam.GetJsonAsync($"/api/engagements/{sams}")).Str("status"));
        await sam.PostJsonAsync($"/api/engagements/{sams}/format", new { format = "TherapistLed" }, HttpStatusCode.Conflict);
        await alex.PostJsonAsync($"/api/engagements/{sams}/invitations", new { email = "late@example.test" }, HttpStatusCode.Conflict);
        await alex.PostJsonAsync($"/api/engagements/{sams}/resume", null, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_new_engagement_and_its_reads_are_audited_and_the_chain_verifies()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var created = await alex.PostJsonAsync("/api/engagements", new { title = "Audited work", format = "TherapistLed" }, HttpStatusCode.Created);
        await alex.GetJsonAsync($"/api/engagements/{created.Id()}");
        using var casey = await app.ClientForAsync("casey@riverside.test");
        await casey.GetJsonAsync($"/api/engagements/{created.Id()}", HttpStatusCode.NotFound);

        await app.WithDbAsync(async db =>
        {
            var entries = await db.AuditEntries.Where(e => e.ObjectId == created.Id().ToString()).OrderBy(e => e.Sequence).ToListAsync(Ct);
            Assert.Contains(entries, e => e.Action == Tandem.Features.Audit.AuditAction.Create && e.Outcome == Tandem.Features.Audit.AuditOutcome.Success && e.Role == "Therapist");
            Assert.Contains(entries, e => e.Action == Tandem.Features.Audit.AuditAction.Read && e.Outcome == Tandem.Features.Audit.AuditOutcome.Success);
            Assert.Contains(entries, e => e.Outcome == Tandem.Features.Audit.AuditOutcome.Refused && e.Role == "Client");
            Assert.All(entries, e =>
            {
                Assert.Equal(e.Hash, e.ComputeHash(app.Service<Tandem.Features.Audit.AuditChainKeys>()));
                Assert.NotNull(e.SourceAddress);
                Assert.NotNull(e.UserId);
            });
            Assert.DoesNotContain(entries, e => e.CanonicalForm().Contains("Audited work", StringComparison.Ordinal));
        });
    }
}
