using System.Net;
using Ical.Net;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Sessions;
using Tandem.Infrastructure.Mail;
using Tandem.IntegrationTests.Sessions;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Video;

/// <summary>
/// Issue 23: the calendar feed and the reminder email of an online session in Tandem carry its join link, the session
/// room's page (which needs sign-in), never a token or secret in that link.
/// </summary>
public sealed class OnlineSessionLinksTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_calendar_feed_of_an_online_session_carries_the_rooms_address_and_no_token()
    {
        await using var app = await TandemApp.StartAsync();
        var session = await OnlineSessionAccessTests.OnlineSessionAsync(app, TimeSpan.FromDays(3));
        var room = $"{app.Service<LinkBuilder>().Base}/sessions/{session}";
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");

        // The signed-in download and the subscription link's feed say the same.
        var downloaded = await sam.GetStringAsync($"/api/engagements/{sams}/calendar.ics", Ct);
        var link = await sam.PostJsonAsync("/api/me/calendar-feed", new { }, HttpStatusCode.Created);
        var secret = link.Str("url");
        using var anonymous = app.CreateAnonymousClient();
        var subscribed = await anonymous.GetStringAsync(new Uri(secret).PathAndQuery, Ct);
        foreach (var ics in new[] { downloaded, subscribed })
        {
            var e = Assert.Single(Calendar.Load(ics)!.Events, ev => ev.Uid == $"{session:N}@tandem");
            Assert.Equal(room, e.Location);
            Assert.Equal(room, e.Url?.ToString());
            Assert.Contains($"Join online in Tandem from 15 minutes before the start: {room}", e.Description, StringComparison.Ordinal);
            Assert.Contains("sign in", e.Description, StringComparison.Ordinal);
            Assert.DoesNotContain(secret.Split('/')[^1].Replace(".ics", "", StringComparison.Ordinal), ics, StringComparison.Ordinal);
            Assert.DoesNotContain("token", ics, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain($"/sessions/{session}?", ics, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_reminder_of_an_online_session_carries_the_rooms_link_and_an_in_person_one_does_not_say_online()
    {
        await using var app = await TandemApp.StartAsync(settings: new() { ["Sessions:ReminderInterval"] = "30.00:00:00" });
        var reminders = app.Service<SessionReminders>();
        await reminders.QueueDueAsync(Ct); // whatever the demo data has due
        var online = await OnlineSessionAccessTests.OnlineSessionAsync(app, TimeSpan.FromHours(30));
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var inPerson = await SessionSteps.ScheduleAsync(alex, sams, app.Clock.GetUtcNow().AddHours(33), 50, "Room 2");
        app.Clock.Advance(TimeSpan.FromHours(10));
        await reminders.QueueDueAsync(Ct);

        var room = $"{app.Service<LinkBuilder>().Base}/sessions/{online}";
        await app.WithDbAsync(async db =>
        {
            var mails = await db.Set<OutboxMessage>().Where(m => m.Kind == "session-reminder" && m.TextBody.Contains(online.ToString())).ToListAsync(Ct);
            Assert.Equal(["alex@riverside.test", "sam@riverside.test"], mails.Select(m => m.To).Order());
            Assert.All(mails, m =>
            {
                Assert.Contains($"Join online in Tandem from 15 minutes before the start: {room}", m.TextBody, StringComparison.Ordinal);
                Assert.Contains("sign in", m.TextBody, StringComparison.Ordinal);
                Assert.Contains("online", m.Subject, StringComparison.OrdinalIgnoreCase);
            });
            var other = await db.Set<OutboxMessage>().Where(m => m.Kind == "session-reminder" && m.TextBody.Contains(inPerson.ToString())).ToListAsync(Ct);
            Assert.NotEmpty(other);
            Assert.All(other, m => Assert.DoesNotContain("Join online", m.TextBody, StringComparison.Ordinal));
        });
    }
}
