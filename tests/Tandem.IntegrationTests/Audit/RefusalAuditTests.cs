using System.Net;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Audit;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Audit;

/// <summary>QUALITY.md R4: a 404 to a signed-in person is a refusal and is audited, also when the engagement is theirs but the thing inside it is not there.</summary>
public sealed class RefusalAuditTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rating_or_agreeing_to_a_goal_that_is_not_in_the_plan_is_a_404_with_an_audited_refusal()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        var samId = await Accounts.SignInTests.IdOf(app, "sam@riverside.test");
        var missing = Guid.NewGuid();

        await sam.PostJsonAsync($"/api/engagements/{sams}/goals/{missing}/ratings", new { value = 5 }, HttpStatusCode.NotFound);
        await sam.PostJsonAsync($"/api/engagements/{sams}/goals/{missing}/agree", null, HttpStatusCode.NotFound);

        var refusals = 0;
        await app.WithDbAsync(async db => refusals = await db.AuditEntries.CountAsync(
            e => e.UserId == samId && e.Outcome == AuditOutcome.Refused && e.ObjectId != null && e.ObjectId.Contains("/goals/"), Ct));
        Assert.Equal(2, refusals);
    }
}
