using System.Net;
using Microsoft.EntityFrameworkCore;
using Tandem.Infrastructure.Mail;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.GettingStarted;

/// <summary>
/// Issue 19, finding 9: the first-conversation form is open to anyone, and its email field can
/// name anyone. Nothing a stranger typed (the "name", the message, the phone) goes into the mail
/// Tandem sends to that address (the acknowledgement, the decline), nor into the therapist's
/// notification, which names the request only through a sign-in link; never as a link of theirs.
/// </summary>
public sealed class StrangerTextInMailTests
{
    private const string Name = "Your account is suspended - verify now at https://evil.example/verify";
    private const string Message = "URGENT: log in at http://tandem-login.evil.example to keep your account. Call +1 555 0100.";

    private static readonly string[] Typed = ["suspended", "evil.example", "URGENT", "555 0100"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_mail_carries_text_a_stranger_typed_into_the_first_conversation_form()
    {
        await using var app = await TandemApp.StartAsync();
        var listing = await DirectorySteps.ListingOfAsync(app, "Alex Rivera");
        using var anonymous = app.CreateAnonymousClient();
        var body = new
        {
            therapistId = listing,
            name = Name,
            email = "victim@example.test",
            phone = "+1 555 0100",
            message = Message,
            preferredFormat = "NoPreference",
        };
        var first = (await anonymous.PostJsonAsync("/api/directory/requests", body, HttpStatusCode.Created)).Id();
        var second = (await anonymous.PostJsonAsync("/api/directory/requests", body with { email = "other-victim@example.test" }, HttpStatusCode.Created)).Id();

        // The therapist declines one (the kind reply goes to the typed address) and starts working with the other (the invitation).
        using var alex = await app.ClientForAsync("alex@riverside.test");
        await alex.PostJsonAsync($"/api/directory/requests/{first}/decline", null, HttpStatusCode.OK);
        await alex.PostJsonAsync($"/api/directory/requests/{second}/convert", new { format = "ClientLed" }, HttpStatusCode.Created);

        await app.WithDbAsync(async db =>
        {
            var mails = await db.Set<OutboxMessage>().AsNoTracking().ToListAsync(Ct);
            Assert.Contains(mails, m => m.Kind == "first-conversation-ack" && m.To == "victim@example.test");
            Assert.Contains(mails, m => m.Kind == "first-conversation-declined" && m.To == "victim@example.test");
            Assert.Contains(mails, m => m.Kind == "first-conversation-new");
            var carried = mails.Where(m => Typed.Any(w => (m.Subject + m.TextBody).Contains(w, StringComparison.OrdinalIgnoreCase)))
                .Select(m => $"{m.Kind} to {m.To}: {m.TextBody}").ToList();
            Assert.True(carried.Count == 0, "Mail that repeats what a stranger typed:\n" + string.Join("\n---\n", carried));

            // The therapist's notification links only to the request, behind sign-in.
            var notice = mails.First(m => m.Kind == "first-conversation-new");
            Assert.Contains($"{TandemApp.OwnOrigin}/directory/requests/", notice.TextBody, StringComparison.Ordinal);
        });
    }
}
