using System.Net;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Plans;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Plans;

public sealed class EmptyPlanTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reading_a_plan_no_one_has_written_stores_nothing_and_the_first_change_stores_it()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var id = (await alex.PostJsonAsync("/api/engagements", new { title = "A new start", format = "TherapistLed" }, HttpStatusCode.Created)).Id();

        var first = await alex.GetJsonAsync($"/api/engagements/{id}/plan");
        var again = await alex.GetJsonAsync($"/api/engagements/{id}/plan");
        Assert.Empty(first.GetProperty("goals").EnumerateArray());
        Assert.Equal("", first.Str("focus"));
        Assert.Equal(0, first.GetProperty("version").GetInt32());
        // The empty plan reads the same each time, dated from the engagement.
        Assert.Equal(first.GetProperty("updatedAt").GetDateTimeOffset(), again.GetProperty("updatedAt").GetDateTimeOffset());
        await app.WithDbAsync(async db => Assert.False(await db.Set<Plan>().AnyAsync(p => p.EngagementId == id, Ct)));

        // Robin joins and signs; their first question is the plan's first change.
        var invite = (await alex.PostJsonAsync($"/api/engagements/{id}/invitations", new { email = "robin@example.test" }, HttpStatusCode.Created)).Str("inviteUrl");
        using var anonymous = app.CreateAnonymousClient();
        await anonymous.PostJsonAsync($"/api/invitations/{invite[(invite.LastIndexOf('/') + 1)..]}/accept", new { displayName = "Robin Hale", password = "tidepool lantern 77" }, HttpStatusCode.Created);
        using var robin = await app.ClientForAsync("robin@example.test", "tidepool lantern 77");
        await robin.PostJsonAsync($"/api/engagements/{id}/agreement/sign", null, HttpStatusCode.OK);
        await app.WithDbAsync(async db => Assert.False(await db.Set<Plan>().AnyAsync(p => p.EngagementId == id, Ct)));
        await robin.PostJsonAsync($"/api/engagements/{id}/proposals", new { kind = "AddQuestion", text = "What would help most right now?" }, HttpStatusCode.Created);
        await app.WithDbAsync(async db => Assert.Equal(1, await db.Set<Plan>().CountAsync(p => p.EngagementId == id, Ct)));
    }
}
