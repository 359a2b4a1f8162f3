using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Accounts;
using Tandem.Features.Agreements;
using Tandem.Features.Demo;
using Tandem.Features.Engagements;
using Tandem.Features.Measures;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Plans;
using Tandem.Features.Sessions;

namespace Tandem.Features.Insights;

/// <summary>
/// Former clients of Riverside (configuration <c>Demo:FormerClients</c>, default 192; the test
/// suites use 0 unless they ask): engagements that started and ended over the past two years, with
/// held sessions, PHQ-9 and GAD-7 series, Collaboration Checks and goal ratings. Without them
/// every figure of the outcome report would be "fewer than 5". Their accounts have no password
/// and are not listed with the demo accounts. Deterministic: the same history on every run.
/// </summary>
public sealed class InsightsDemoStep(UserManager<TandemUser> users, InstrumentCatalog catalog, InsightsDemoStep.Size size) : IDemoSeedStep
{
    /// <summary>How many former clients to seed (<c>Demo:FormerClients</c>), read as the app is built.</summary>
    public sealed record Size(int FormerClients)
    {
        public static Size From(IConfiguration config) => new(Infrastructure.Hosting.Setting.Get(config, "Demo:FormerClients", DefaultFormerClients));
    }

    public int Order => 60;

    private static readonly string[] FirstNames =
    [
        "Robin", "Charlie", "Jamie", "Alexis", "Sasha", "Frankie", "Rowan", "Quinn", "Emery", "Kai", "Reese", "Parker",
    ];

    private static readonly string[] Surnames =
    [
        "Hale", "Moss", "Patel", "Ward", "Kowalski", "Doyle", "Mensah", "Harper", "Lund", "Brennan", "Ahmed", "Nolan", "Reid", "Cross", "Okoro", "Fischer",
    ];

    /// <summary>Trajectories: start PHQ-9, start GAD-7, change per fortnight of each (negative = improving), and sessions held.</summary>
    private static readonly (int Phq, int Gad, double PhqSlope, double GadSlope, int Sessions)[] Courses =
    [
        (17, 14, -1.8, -1.4, 12), (14, 11, -1.5, -0.9, 10), (12, 9, -2.0, -1.5, 10), (19, 15, -2.0, -1.6, 14), (11, 10, -1.2, -1.0, 8),
        (9, 7, 2.0, 1.4, 8), (16, 13, -0.4, -0.3, 10), (10, 8, 0.9, 0.8, 6), (15, 12, -1.4, -1.1, 12), (9, 7, -0.5, -0.2, 6),
        (18, 16, -1.1, -0.7, 16), (12, 10, 0, 0, 2), (14, 13, -1.7, 0.9, 11), (20, 17, -0.8, -0.6, 15), (11, 9, 0.6, 0.5, 1),
        (16, 6, -1.6, 1.0, 10),
    ];

    /// <summary>One former client's course as the demo writes it.</summary>
    /// <param name="Therapist">0 for Alex, 1 for Morgan.</param>
    /// <param name="StartedDaysAgo">Days before the seeding day the engagement started.</param>
    /// <param name="Sessions">Weekly sessions held from a week after the start; the engagement ends a week after the last.</param>
    public sealed record FormerCourse(int Therapist, EngagementFormat Format, int StartedDaysAgo, int Sessions, int Phq9, int Gad7, double Phq9Slope, double Gad7Slope)
    {
        /// <summary>PHQ-9 at the given measure (one every other session, the first at the first session).</summary>
        public int Phq9At(int step) => Math.Clamp((int)Math.Round(Phq9 + (Phq9Slope * step)), 0, 27);

        public int Gad7At(int step) => Math.Clamp((int)Math.Round(Gad7 + (Gad7Slope * step)), 0, 21);

        /// <summary>How many times each measure was taken (every other session, from the first).</summary>
        public int Measures => (Sessions + 1) / 2;
    }

    /// <summary>
    /// The i-th former client's course: started 4 to 26 months before the seeding day, spread
    /// evenly; the two therapists and the two formats in turn (two in five therapist-led).
    /// </summary>
    public static FormerCourse Former(int i)
    {
        var c = Courses[i % Courses.Length];
        var format = i / 2 % 5 is 1 or 3 ? EngagementFormat.TherapistLed : EngagementFormat.ClientLed;
        return new FormerCourse(i % 2, format, 120 + (i * 173 % 660) + (i % 3), c.Sessions, c.Phq, c.Gad, c.PhqSlope, c.GadSlope);
    }

    /// <summary>The number of former clients seeded when <c>Demo:FormerClients</c> is not set.</summary>
    public const int DefaultFormerClients = 192;

    public async Task SeedAsync(DemoContext demo, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(demo);
        var count = Math.Clamp(size.FormerClients, 0, FirstNames.Length * Surnames.Length);
        if (count == 0)
        {
            return;
        }

        var db = demo.Db;
        var practice = demo.Practices[DemoAccounts.Riverside];
        var version = await db.AgreementVersions.Where(v => v.PracticeId == practice.Id).OrderByDescending(v => v.Number).FirstAsync(ct);
        var therapists = new[] { demo.People["alex"], demo.People["morgan"] };
        var measures = new MeasuresDemoStep(catalog);

        for (var i = 0; i < count; i++)
        {
            var course = Former(i);
            var therapist = therapists[course.Therapist];
            var format = course.Format;
            var name = $"{FirstNames[i % FirstNames.Length]} {Surnames[i / FirstNames.Length % Surnames.Length]}";
            var user = TandemUser.Create(practice.Id, $"former{i + 1:00}@riverside.test", name, PersonRole.Client, "Europe/London", demo.Now.AddDays(-800));
            var created = await users.CreateAsync(user);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException($"Demo former client {name}: {string.Join("; ", created.Errors.Select(e => e.Description))}");
            }

            var started = demo.Now.AddDays(-course.StartedDaysAgo);
            var engagement = Engagement.Start(practice.Id, $"Working together ({name.Split(' ')[0]})", format, therapist.Id, started);
            engagement.Add(user.Id, ParticipantRole.Client, started.AddDays(1));
            db.AgreementSignatures.Add(AgreementSignature.Sign(engagement, therapist.Id, version, "127.0.0.1", started.AddDays(2)));
            db.AgreementSignatures.Add(AgreementSignature.Sign(engagement, user.Id, version, "127.0.0.1", started.AddDays(2)));
            engagement.AgreementStateChanged(allClientsSigned: true);
            db.Engagements.Add(engagement);

            var plan = Plan.For(engagement, started.AddDays(3));
            db.Set<Plan>().Add(plan);
            var before = PlanSnapshot.Of(plan);
            var goal = plan.AddGoal(i % 2 == 0 ? "Feel steadier day to day" : "Get back to the things I enjoy", null, user.Id, [user.Id], engagement, started.AddDays(3));
            await PlanHistory.RecordAsync(db, plan, before, user.Id, null, started.AddDays(3), ct);

            var history = new Dictionary<string, List<int>>();
            var lastSession = started;
            for (var s = 0; s < course.Sessions; s++)
            {
                var start = started.AddDays(7 * (s + 1)).Date.AddHours(10 + (i % 6));
                var session = Session.Schedule(engagement, therapist.Id, new DateTimeOffset(start, TimeSpan.Zero), 50, "Riverside practice, room 2", start.AddDays(-7));
                var note = SharedNote.For(session, session.CreatedAt);
                session.ChangeStatus(SessionStatus.Completed, session.EndsAt);
                note.WriteDraft("We looked back at the week together and agreed what to try next.", therapist.Id, session.EndsAt.AddMinutes(30));
                note.Sign(session, therapist.Id, session.EndsAt.AddHours(2));
                db.Add(session);
                db.Add(note);
                lastSession = session.StartsAt;

                // Measures every other session (the first at the first session).
                if (s % 2 == 0)
                {
                    var step = s / 2;
                    var phq = course.Phq9At(step);
                    var gad = course.Gad7At(step);
                    var at = session.StartsAt.AddMinutes(-30);
                    measures.Add(demo, engagement, InstrumentCatalog.Phq9, user.Id, at, MeasuresDemoStep.Spread(phq, 9, 3), history);
                    measures.Add(demo, engagement, InstrumentCatalog.Gad7, user.Id, at.AddMinutes(5), MeasuresDemoStep.Spread(gad, 7, 3), history);
                    db.Set<GoalRating>().Add(GoalRating.Create(engagement, goal, user.Id, Math.Clamp(2 + step - (course.Phq9Slope > 0 ? 2 * step : 0), 0, 10), null, at));
                }

                if (s % 2 == 1)
                {
                    // Most clients rate the collaboration a little lower than their therapist does.
                    var client = Math.Clamp(19 + (i % 7) + (s / 3), 0, 28);
                    var own = Math.Clamp(client + 1 + (i % 3), 0, 28);
                    measures.Add(demo, engagement, InstrumentCatalog.CollaborationCheck, user.Id, session.EndsAt.AddHours(1), MeasuresDemoStep.Spread(client, 7, 4), history);
                    measures.Add(demo, engagement, InstrumentCatalog.CollaborationCheckTherapist, therapist.Id, session.EndsAt.AddHours(2), MeasuresDemoStep.Spread(own, 7, 4), history);
                }
            }

            engagement.End(therapist.Id, lastSession.AddDays(7));
        }

        await db.SaveChangesAsync(ct);
    }
}
