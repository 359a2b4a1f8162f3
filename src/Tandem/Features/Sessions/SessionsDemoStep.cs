using Microsoft.EntityFrameworkCore;
using Tandem.Features.Demo;
using Tandem.Features.Engagements;
using Tandem.Features.Practices;

namespace Tandem.Features.Sessions;

/// <summary>
/// Months of weekly sessions for every demo engagement: agendas from both sides, signed notes,
/// annotations (one disagreement answered by an amendment), reflections, private notes, a few
/// cancelled or missed sessions, and upcoming sessions (one tomorrow, so a reminder is due).
/// </summary>
public sealed class SessionsDemoStep : IDemoSeedStep
{
    public int Order => 30;

    public async Task SeedAsync(DemoContext demo, CancellationToken ct)
    {
        var engagements = await demo.Db.Engagements.Include(e => e.Participants)
            .Where(e => demo.EngagementIds.Values.Contains(e.Id)).ToDictionaryAsync(e => e.Id, ct);
        var upcomingOffset = 0;
        foreach (var (key, engagementId) in demo.EngagementIds)
        {
            if (!SessionsDemoContent.Themes.TryGetValue(key, out var themes))
            {
                continue;
            }

            var engagement = engagements[engagementId];
            var therapist = engagement.Therapists.First().UserId;
            var clients = engagement.Clients.Select(c => c.UserId).ToList();
            var zone = demo.People.Values.First(p => p.Id == therapist).TimeZone;
            var hour = 9 + (upcomingOffset * 2 % 9);

            // Weekly from the second week of the engagement until last week.
            var first = LocalTime(engagement.CreatedAt.AddDays(7), hour, zone);
            var index = 0;
            for (var start = first; start < demo.Now.AddDays(-1); start = LocalTime(start.AddDays(7), hour, zone), index++)
            {
                var session = Session.Schedule(engagement, therapist, start, 50, Place(key), start.AddDays(-7));
                var theme = themes[index % themes.Length];
                var note = SharedNote.For(session, session.CreatedAt);
                demo.Db.Add(session);
                demo.Db.Add(note);
                demo.Db.Add(AgendaItem.Add(session, clients[0], AgendaItemKind.Update, theme.ClientUpdate, 1, start.AddDays(-2)));
                demo.Db.Add(AgendaItem.Add(session, clients[^1], AgendaItemKind.Topic, theme.ClientTopic, 2, start.AddDays(-1)));
                demo.Db.Add(AgendaItem.Add(session, therapist, AgendaItemKind.Topic, theme.TherapistTopic, 3, start.AddHours(-3)));

                if (index % 7 == 5)
                {
                    session.ChangeStatus(SessionStatus.Cancelled, start.AddDays(-1));
                    continue;
                }

                if (index % 11 == 9)
                {
                    session.ChangeStatus(SessionStatus.Missed, start.AddHours(1));
                    continue;
                }

                session.ChangeStatus(SessionStatus.Completed, session.EndsAt);
                note.WriteDraft(theme.Note, therapist, session.EndsAt.AddMinutes(30));
                note.Sign(session, therapist, session.EndsAt.AddHours(2));
                if (index % 2 == 0)
                {
                    var privateNote = PrivateNote.Start(session, therapist, session.EndsAt.AddMinutes(10));
                    privateNote.Write(theme.PrivateNote, session.EndsAt.AddMinutes(10));
                    demo.Db.Add(privateNote);
                }

                if (index % 3 == 0)
                {
                    var stance = theme.Annotation.StartsWith("I disagree", StringComparison.Ordinal) || theme.Annotation.StartsWith("I did not agree", StringComparison.Ordinal) ? Stance.Disagree : Stance.Agree;
                    demo.Db.Add(Annotation.Create(note, [note.Body], clients[index % clients.Count], theme.Annotation, theme.Quote, stance, session.EndsAt.AddDays(1)));
                    if (stance == Stance.Disagree)
                    {
                        var corrected = note.Body + $"\n\n*Added after your comment:* we see this part differently, and both views belong here. In your words: \"{theme.Annotation}\"";
                        demo.Db.Add(note.Amend(corrected, "A comment on this note showed my summary was one-sided.", therapist, session.EndsAt.AddDays(2)));
                    }
                }

                if (index % 2 == 1)
                {
                    foreach (var client in clients)
                    {
                        demo.Db.Add(Reflection.Create(session, client, theme.Reflection, session.EndsAt.AddDays(1).AddHours(2)));
                    }
                }
            }

            // Upcoming: one soon (the first engagement's tomorrow), then weekly.
            for (var week = 0; week < 3; week++)
            {
                var start = LocalTime(demo.Now.AddDays(1 + upcomingOffset + (7 * week)), hour, zone);
                if (start <= demo.Now)
                {
                    start = start.AddDays(1);
                }

                var session = Session.Schedule(engagement, therapist, start, 50, Place(key), demo.Now.AddDays(-3));
                demo.Db.Add(session);
                demo.Db.Add(SharedNote.For(session, session.CreatedAt));
                if (week == 0)
                {
                    var theme = themes[index % themes.Length];
                    demo.Db.Add(AgendaItem.Add(session, clients[0], AgendaItemKind.Update, theme.ClientUpdate, 1, demo.Now.AddHours(-5)));
                }
            }

            upcomingOffset++;
        }

        await demo.Db.SaveChangesAsync(ct);
    }

    private static string Place(string key) => key switch
    {
        // A video room is named by a code, never by a person: the link ends up in the video service's logs (QUALITY.md S6).
        "jordan" => "https://video.riverside.test/room/7k2m-4pqx",
        "kim" => "Harbor practice, room 3",
        "couple" => "Riverside practice, garden room",
        _ => "Riverside practice, room 2",
    };

    /// <summary>That day at that hour in the therapist's zone, as UTC (so the wall-clock time stays put across DST).</summary>
    private static DateTimeOffset LocalTime(DateTimeOffset day, int hour, string zoneId)
    {
        var zone = TimeZones.Find(zoneId);
        var local = TimeZoneInfo.ConvertTime(day, zone);
        var wall = new DateTime(local.Year, local.Month, local.Day, hour, 0, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(wall, zone.GetUtcOffset(wall)).ToUniversalTime();
    }
}
