using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MimeKit;
using Tandem.Infrastructure.Mail;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Practices;

/// <summary>
/// Issue 21, practice settings worth having: name, time zone, address, online-session policy,
/// reminder timing, a default measure schedule for new engagements, and a brand colour and logo
/// that stay accessible and safe (contrast-checked colour; PNG or JPEG only, size-limited, served
/// by Tandem with its own content type and nosniff), shown on sign-in and in emails.
/// </summary>
public sealed class PracticeSettingsAdminTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A 1x1 PNG.</summary>
    internal static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    [Fact]
    public async Task The_admin_sets_the_practice_up_and_new_engagements_start_with_the_default_measures()
    {
        await using var app = await TandemApp.StartAsync();
        using var admin = await app.ClientForAsync("admin@riverside.test");
        using var saved = await admin.PutAsJsonAsync("/api/practice/settings", new
        {
            expectedReply = "within 2 working days",
            crisisInformation = "Call 999.",
            name = "Riverside Counselling",
            timeZone = "Europe/Dublin",
            address = "1 Quay Street, Riverside",
            onlineSessionPolicy = "Online sessions use the room in Tandem. Find a quiet, private place.",
            reminderHoursBefore = 48,
            brandColour = "#1F6F66",
            defaultMeasures = new[] { new { instrumentId = "phq-9", kind = "EveryNWeeks", intervalWeeks = 2 }, new { instrumentId = "gad-7", kind = "EveryNWeeks", intervalWeeks = 4 } },
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        using var alex = await app.ClientForAsync("alex@riverside.test");
        var seen = await alex.GetJsonAsync("/api/practice/settings");
        Assert.Equal("Riverside Counselling", seen.Str("practiceName"));
        Assert.Equal("Europe/Dublin", seen.Str("timeZone"));
        Assert.Equal("1 Quay Street, Riverside", seen.Str("address"));
        Assert.StartsWith("Online sessions use the room", seen.Str("onlineSessionPolicy"), StringComparison.Ordinal);
        Assert.Equal(48, seen.GetProperty("reminderHoursBefore").GetInt32());
        Assert.Equal("#1f6f66", seen.Str("brandColour"));
        Assert.Equal(2, seen.GetProperty("defaultMeasures").GetArrayLength());

        var engagement = await alex.PostJsonAsync("/api/engagements", new { title = "New work", format = "ClientLed" }, HttpStatusCode.Created);
        var schedules = await alex.GetJsonAsync($"/api/engagements/{engagement.Id()}/schedules");
        Assert.Equal(["gad-7", "phq-9"], schedules.EnumerateArray().Select(s => s.Str("instrumentId")).Order(StringComparer.Ordinal).ToList());
        Assert.Contains(schedules.EnumerateArray(), s => s.Str("instrumentId") == "phq-9" && s.GetProperty("intervalWeeks").GetInt32() == 2);

        // Refusals, each with a sentence: a colour white text cannot be read on, a time zone that is not one, a reminder out of range.
        using var pale = await admin.PutAsJsonAsync("/api/practice/settings", new { expectedReply = "soon", crisisInformation = "Call 999.", brandColour = "#f5c400" }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, pale.StatusCode);
        Assert.Contains("White text on #f5c400 has a contrast of", await pale.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var notColour = await admin.PutAsJsonAsync("/api/practice/settings", new { expectedReply = "soon", crisisInformation = "Call 999.", brandColour = "teal; background:url(x)" }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notColour.StatusCode);
        using var badZone = await admin.PutAsJsonAsync("/api/practice/settings", new { expectedReply = "soon", crisisInformation = "Call 999.", timeZone = "Mars/Olympus", reminderHoursBefore = 0 }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badZone.StatusCode);
        Assert.Equal("#1f6f66", (await alex.GetJsonAsync("/api/practice/settings")).Str("brandColour"));

        // A therapist cannot change them.
        using var byAlex = await alex.PutAsJsonAsync("/api/practice/settings", new { expectedReply = "soon", crisisInformation = "Call 999.", brandColour = "#000000" }, Ct);
        Assert.False(byAlex.IsSuccessStatusCode);
    }

    [Fact]
    public async Task Reminders_go_out_the_practices_chosen_hours_before_a_session()
    {
        await using var app = await TandemApp.StartAsync(settings: new() { ["Sessions:ReminderInterval"] = "30.00:00:00" });
        var jordans = await Demo.JordansEngagementAsync(app);
        using var admin = await app.ClientForAsync("admin@riverside.test");
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var reminders = app.Service<Tandem.Features.Sessions.SessionReminders>();
        using var saved = await admin.PutAsJsonAsync("/api/practice/settings", new { expectedReply = "soon", crisisInformation = "Call 999.", reminderHoursBefore = 48 }, Ct);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        await reminders.QueueDueAsync(Ct); // whatever the demo data has due

        // 40 hours ahead: outside the default 24 hours, inside this practice's 48.
        var id = await Tandem.IntegrationTests.Sessions.SessionSteps.ScheduleAsync(alex, jordans, app.Clock.GetUtcNow().AddHours(40), 50, "https://video.example.test/alex");
        await reminders.QueueDueAsync(Ct);
        var count = 0;
        await app.WithDbAsync(async db => count = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(
            db.Set<OutboxMessage>(), m => m.Kind == "session-reminder" && m.TextBody.Contains(id.ToString()), Ct));
        Assert.Equal(2, count);
    }

    [Fact]
    public async Task A_logo_is_png_or_jpeg_small_and_served_by_Tandem_with_its_type_and_nosniff()
    {
        await using var app = await TandemApp.StartAsync();
        using var admin = await app.ClientForAsync("admin@riverside.test");
        var practiceId = (await admin.GetJsonAsync("/api/me")).GetProperty("practiceId").GetGuid();

        using var anonymous = app.CreateAnonymousClient();
        Assert.Equal(HttpStatusCode.NotFound, await anonymous.StatusOfGetAsync($"/practice-logo/{practiceId}"));

        Assert.Equal(HttpStatusCode.NoContent, await UploadAsync(admin, Png, "image/png"));
        using (var logo = await anonymous.GetAsync($"/practice-logo/{practiceId}", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, logo.StatusCode);
            Assert.Equal("image/png", logo.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", logo.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal(Png, await logo.Content.ReadAsByteArrayAsync(Ct));
        }

        // SVG can carry script; a "PNG" that is not one; too big: each refused with a sentence, the logo unchanged.
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray();
        using (var refused = await PostLogoAsync(admin, svg, "image/svg+xml"))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains("PNG or JPEG", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.UnprocessableEntity, await UploadAsync(admin, svg, "image/png"));
        var big = new byte[210 * 1024];
        Png.CopyTo(big, 0);
        using (var tooBig = await PostLogoAsync(admin, big, "image/png"))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, tooBig.StatusCode);
            Assert.Contains("200 KB", await tooBig.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using (var still = await anonymous.GetAsync($"/practice-logo/{practiceId}", Ct))
        {
            Assert.Equal(Png, await still.Content.ReadAsByteArrayAsync(Ct));
        }

        // The sign-in page of this practice shows its name and logo.
        var login = await (await anonymous.GetAsync($"/Account/Login?practice={practiceId}", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains($"src=\"practice-logo/{practiceId}", login, StringComparison.Ordinal);
        Assert.Contains("Riverside", login, StringComparison.Ordinal);

        // Only the admin uploads; another practice's admin changes only their own.
        using var alex = await app.ClientForAsync("alex@riverside.test");
        Assert.NotEqual(HttpStatusCode.NoContent, await UploadAsync(alex, Png, "image/png"));
    }

    [Fact]
    public async Task Emails_carry_the_practice_name_colour_and_logo_in_their_HTML_part()
    {
        await using var app = await TandemApp.StartAsync();
        using var admin = await app.ClientForAsync("admin@riverside.test");
        using var saved = await admin.PutAsJsonAsync("/api/practice/settings", new { expectedReply = "soon", crisisInformation = "Call 999.", brandColour = "#7a2e8c" }, Ct);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, await UploadAsync(admin, Png, "image/png"));
        await admin.PostJsonAsync("/api/practice/invitations", new { email = "robin@example.test" }, HttpStatusCode.Created);
        // The app's own dispatcher may have claimed it first: send what is due, and wait for the file either way.
        var folder = Path.Combine(app.DataFolder, "mail");
        MimeMessage? mail = null;
        for (var i = 0; i < 100 && mail is null; i++)
        {
            await app.Service<MailDispatcher>().DispatchDueAsync(Ct);
            mail = Directory.Exists(folder)
                ? Directory.GetFiles(folder, "*.eml").Select(f => MimeMessage.Load(f)).SingleOrDefault(m => m.To.Mailboxes.Any(a => a.Address == "robin@example.test"))
                : null;
            if (mail is null)
            {
                await Task.Delay(100, Ct);
            }
        }

        Assert.NotNull(mail);
        Assert.NotNull(mail.TextBody);
        Assert.Contains("#7a2e8c", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Riverside", mail.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", mail.HtmlBody, StringComparison.OrdinalIgnoreCase);

        // The logo travels inside the mail (shown without fetching anything, so no one learns when it was opened).
        Assert.Contains($"src=\"cid:{MailLook.LogoContentId}\"", mail.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("practice-logo/", mail.HtmlBody, StringComparison.Ordinal);
        var logo = Assert.Single(mail.BodyParts.OfType<MimePart>(), p => p.ContentId == MailLook.LogoContentId);
        Assert.Equal("image/png", logo.ContentType.MimeType);
        using var bytes = new MemoryStream();
        await logo.Content!.DecodeToAsync(bytes, Ct);
        Assert.Equal(Png, bytes.ToArray());
    }

    private static async Task<HttpStatusCode> UploadAsync(HttpClient client, byte[] bytes, string type)
    {
        using var response = await PostLogoAsync(client, bytes, type);
        return response.StatusCode;
    }

    private static Task<HttpResponseMessage> PostLogoAsync(HttpClient client, byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return client.PostAsync("/api/practice/logo", content, Ct);
    }
}
