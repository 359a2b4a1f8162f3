using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Infrastructure.Mail;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Accounts;

/// <summary>
/// Issue 21, People: inviting an address that already has an account in this practice says so
/// instead of sending a duplicate; a second invitation while one is waiting is not sent either.
/// Accounts in other practices are not looked at (the admin learns nothing about them).
/// </summary>
public sealed class StaffInvitationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_admin_is_told_instead_of_sending_a_duplicate_invitation()
    {
        await using var app = await TandemApp.StartAsync();
        using var admin = await app.ClientForAsync("admin@riverside.test");
        var mailBefore = await InvitationMailsAsync(app);

        // Alex works here already.
        using (var alex = await admin.PostAsJsonAsync("/api/practice/invitations", new { email = "  Alex@Riverside.test " }, Ct))
        {
            Assert.Equal(HttpStatusCode.Conflict, alex.StatusCode);
            Assert.Contains("alex@riverside.test already has an account in this practice, as a therapist: Alex Rivera. No invitation was sent.", await alex.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        // A new colleague: invited once; the second try says the first is waiting.
        await admin.PostJsonAsync("/api/practice/invitations", new { email = "robin@riverside.test" }, HttpStatusCode.Created);
        using (var again = await admin.PostAsJsonAsync("/api/practice/invitations", new { email = "robin@riverside.test" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Contains("An invitation to robin@riverside.test is already waiting", await again.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        // Someone with an account in another practice is invited like anyone new: nothing is said about them.
        await admin.PostJsonAsync("/api/practice/invitations", new { email = "lee@harbor.test" }, HttpStatusCode.Created);

        Assert.Equal(mailBefore + 2, await InvitationMailsAsync(app));
    }

    private static async Task<int> InvitationMailsAsync(TandemApp app)
    {
        var count = 0;
        await app.WithDbAsync(async db => count = await db.Set<OutboxMessage>().IgnoreQueryFilters().CountAsync(m => m.Kind == "invitation", Ct));
        return count;
    }
}
