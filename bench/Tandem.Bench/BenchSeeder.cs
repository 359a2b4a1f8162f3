using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Agreements;
using Tandem.Features.Engagements;
using Tandem.Features.Measures;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Measures.Scoring;
using Tandem.Features.Messages;
using Tandem.Features.Plans;
using Tandem.Features.Practices;
using Tandem.Features.Sessions;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Bench;

/// <summary>
/// Writes the benchmark data set through the app's own entities and factory methods, in batches
/// (AddRange + one SaveChanges per batch, change detection off). The content comes from one
/// fixed random seed; ids come from the entities' own factories (UUIDv7), so they differ per run.
/// Seeded data carries no audit entries (the contexts are made without an audit trail).
/// </summary>
public sealed class BenchSeeder(IServiceProvider services, SeedSize size, DateTimeOffset anchor)
{
    public const string Password = "Bench-password-2026!";
    public const int Seed = 20_261_125;
    private const int ClientsPerBatch = 50;

    private static readonly string[] NoteSentences =
    [
        "We reviewed the week and the sleep diary together.",
        "The client described two difficult evenings and what helped on the second one.",
        "We agreed to keep the morning walk and to add one short call to a friend.",
        "Worry about work came up again; we used the worry-time experiment from last month.",
        "The client noticed that the plan felt more their own when they chose the first step.",
        "We looked at the latest questionnaire scores and what the change might mean.",
        "The client asked to start next time with the conversation with their manager.",
        "We practised a grounding exercise and talked about when it could be used at home.",
        "Energy was lower this week; we kept the goals but made the steps smaller.",
        "We checked how the sessions are going for the client and changed the pace a little.",
    ];

    private static readonly string[] MessageSentences =
    [
        "Thanks for today.",
        "Could we start with the work thing on Thursday?",
        "I kept the diary for five days this week.",
        "A reminder of what we agreed: one small step each day, no pressure.",
        "Last night was better, seven hours.",
        "I might be ten minutes late, sorry.",
        "Here is the **list** we talked about.",
        "How did it go with the café?",
    ];

    private readonly Random _random = new(Seed);
    private readonly Dictionary<(string, int), (IReadOnlyList<ValidAnswer> Answers, string Json)> _forms = [];
    private InstrumentCatalog _catalog = null!;

    public async Task<string> RunAsync(CancellationToken ct = default)
    {
        _catalog = services.GetRequiredService<InstrumentCatalog>();
        var normalizer = services.GetRequiredService<ILookupNormalizer>();
        // One hash for every seeded person: PBKDF2 at 210,000 rounds is deliberately slow.
        var hash = services.GetRequiredService<IPasswordHasher<TandemUser>>().HashPassword(new TandemUser(), Password);

        await using (var check = NewContext())
        {
            if (await check.Practices.AnyAsync(ct))
            {
                throw new InvalidOperationException("bench: the database is not empty; the seeder fills an empty one.");
            }
        }

        var started = anchor.AddDays(-203);
        var practices = Enumerable.Range(0, size.Practices)
            .Select(p => Practice.Create($"Bench practice {p + 1}", "Europe/London", started.AddDays(-30)))
            .ToList();
        var versions = practices.ToDictionary(p => p.Id, p => AgreementVersion.Publish(p.Id, 1, DefaultAgreement.Text, started.AddDays(-30)));
        var therapists = new List<TandemUser>();
        await using (var db = NewContext())
        {
            db.Practices.AddRange(practices);
            db.AgreementVersions.AddRange(versions.Values);
            for (var p = 0; p < size.Practices; p++)
            {
                db.Users.Add(Person(practices[p].Id, $"admin{p}@bench.test", $"Admin {p}", PersonRole.PracticeAdmin));
            }

            for (var t = 0; t < size.Therapists; t++)
            {
                var therapist = Person(practices[t % size.Practices].Id, $"therapist{t}@bench.test", $"Therapist {t}", PersonRole.Therapist);
                therapists.Add(therapist);
                db.Users.Add(therapist);
            }

            await db.SaveChangesAsync(ct);
        }

        var rows = (long)(practices.Count * 2) + size.Practices + size.Therapists;
        var clock = Stopwatch.StartNew();
        var saving = new Stopwatch();
        for (var first = 0; first < size.Clients; first += ClientsPerBatch)
        {
            await using var db = NewContext();
            for (var j = first; j < Math.Min(size.Clients, first + ClientsPerBatch); j++)
            {
                var therapist = therapists[j % size.Therapists];
                var client = Person(therapist.PracticeId, $"client{j}@bench.test", $"Client {j}", PersonRole.Client);
                db.Users.Add(client);
                rows += 1 + AddEngagement(db, therapist, client, versions[therapist.PracticeId], started.AddHours(j % 24));
            }

            saving.Start();
            await BulkWriter.FlushAsync(db, ct);
            saving.Stop();
            if ((first / ClientsPerBatch) % 20 == 19)
            {
                Console.WriteLine($"  {first + ClientsPerBatch:N0} clients, {rows:N0} rows, {rows / clock.Elapsed.TotalSeconds:N0} rows/s");
            }
        }

        Console.WriteLine($"  clients written in {clock.Elapsed.TotalSeconds:F1} s, of which inserts {saving.Elapsed.TotalSeconds:F1} s");
        return $"{size.Practices} practices, {size.Therapists} therapists, {size.Clients:N0} clients, "
            + $"{(long)size.Clients * SeedSize.SessionsPerClient:N0} sessions with notes, {(long)size.Clients * SeedSize.ResponsesPerClient:N0} responses, "
            + $"{(long)size.Clients * SeedSize.MessagesPerClient:N0} messages ({rows:N0} rows)";

        TandemUser Person(Guid practiceId, string email, string name, PersonRole role)
        {
            var user = TandemUser.Create(practiceId, email, name, role, "Europe/London", started.AddDays(-30));
            user.NormalizedEmail = normalizer.NormalizeEmail(email);
            user.NormalizedUserName = normalizer.NormalizeName(email);
            user.PasswordHash = hash;
            user.SecurityStamp = Guid.CreateVersion7().ToString("N");
            user.ConcurrencyStamp = Guid.CreateVersion7().ToString();
            return user;
        }
    }

    private TandemDbContext NewContext()
    {
        var settings = services.GetRequiredService<DatabaseSettings>();
        TandemDbContext db = settings.Provider == DatabaseProvider.Postgres
            ? new PostgresTandemDbContext(services.GetRequiredService<DbContextOptions<PostgresTandemDbContext>>(), TenantContext.ForSystem())
            : new SqliteTandemDbContext(services.GetRequiredService<DbContextOptions<SqliteTandemDbContext>>(), TenantContext.ForSystem());
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        return db;
    }

    /// <summary>One client's whole history; returns the number of rows added.</summary>
    private int AddEngagement(TandemDbContext db, TandemUser therapist, TandemUser client, AgreementVersion version, DateTimeOffset started)
    {
        var rows = 0;
        var engagement = Engagement.Start(therapist.PracticeId, $"Working together ({client.DisplayName})",
            _random.Next(2) == 0 ? EngagementFormat.ClientLed : EngagementFormat.TherapistLed, therapist.Id, started);
        engagement.Add(client.Id, ParticipantRole.Client, started.AddDays(1));
        db.AgreementSignatures.Add(AgreementSignature.Sign(engagement, therapist.Id, version, "127.0.0.1", started.AddDays(2)));
        db.AgreementSignatures.Add(AgreementSignature.Sign(engagement, client.Id, version, "127.0.0.1", started.AddDays(2)));
        engagement.AgreementStateChanged(allClientsSigned: true);
        db.Engagements.Add(engagement);
        db.Add(Plan.For(engagement, started.AddDays(3)));
        rows += 6;

        // Weekly sessions: those before the anchor day completed with a signed note, the rest scheduled.
        for (var k = 0; k < SeedSize.SessionsPerClient; k++)
        {
            var at = started.AddDays(7 * (k + 1)).AddHours(9);
            var session = Session.Schedule(engagement, therapist.Id, at, 50, $"Room {1 + _random.Next(6)}", at.AddDays(-7));
            var note = SharedNote.For(session, at.AddDays(-7));
            if (at < anchor)
            {
                session.ChangeStatus(SessionStatus.Completed, at.AddMinutes(50));
                note.WriteDraft(NoteBody(), therapist.Id, at.AddHours(1));
                note.Sign(session, therapist.Id, at.AddHours(1));
            }

            db.Add(session);
            db.Add(note);
            rows += 2;
        }

        // PHQ-9 and GAD-7 by turns, every four days, on a slow random walk; scored by the app's rules.
        var totals = new Dictionary<string, int> { [InstrumentCatalog.Phq9] = 8 + _random.Next(12), [InstrumentCatalog.Gad7] = 6 + _random.Next(10) };
        var history = new Dictionary<string, List<int>> { [InstrumentCatalog.Phq9] = [], [InstrumentCatalog.Gad7] = [] };
        var alerted = new HashSet<AlertKind>();
        for (var k = 0; k < SeedSize.ResponsesPerClient; k++)
        {
            var instrumentId = k % 2 == 0 ? InstrumentCatalog.Phq9 : InstrumentCatalog.Gad7;
            var max = instrumentId == InstrumentCatalog.Phq9 ? 24 : 21;
            totals[instrumentId] = Math.Clamp(totals[instrumentId] + _random.Next(-2, 3), 0, max);
            var at = started.AddDays(4 * (k / 2 + 1)).AddHours(18).AddMinutes(k % 2 * 5);
            rows += AddResponse(db, engagement, client.Id, instrumentId, totals[instrumentId], at, history[instrumentId], alerted);
        }

        // Messages every four days, by turns; the last one unread by its recipient.
        var states = new[] { therapist.Id, client.Id }.ToDictionary(id => id, id => MessageReadState.Start(engagement.PracticeId, engagement.Id, Guid.Empty, id, started));
        for (var k = 1; k <= SeedSize.MessagesPerClient; k++)
        {
            var at = started.AddDays(4 * k).AddHours(12);
            var author = k % 2 == 0 ? therapist.Id : client.Id;
            db.Add(Message.Write(engagement, Guid.Empty, k, author, MessageSentences[_random.Next(MessageSentences.Length)], at));
            states[author].Advance(k, at);
            if (k < SeedSize.MessagesPerClient)
            {
                foreach (var state in states.Values)
                {
                    state.Advance(k, at.AddHours(3));
                }
            }
        }

        db.AddRange(states.Values);
        return rows + SeedSize.MessagesPerClient + states.Count;
    }

    private int AddResponse(TandemDbContext db, Engagement engagement, Guid respondentId, string instrumentId, int total, DateTimeOffset at, List<int> earlier, HashSet<AlertKind> alerted)
    {
        var instrument = _catalog.Get(instrumentId);
        var (answers, template) = Form(instrument, total);
        var result = ResponseScorer.Score(instrument, answers, earlier, []);
        var id = Guid.CreateVersion7(at);
        var json = template.Replace(MarkerId, id.ToString(), StringComparison.Ordinal)
            .Replace(MarkerRespondent, respondentId.ToString(), StringComparison.Ordinal)
            .Replace(MarkerTime, at.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var response = MeasureResponse.Create(id, engagement.PracticeId, engagement.Id, instrumentId, respondentId, null, at, result.Total, result.Band, result.Flags,
            result.Change?.ToString(), json, null, null);
        db.Add(response);
        var rows = 1;
        foreach (var o in result.Observations)
        {
            db.Add(ScoreObservation.For(response, o.System, o.Code, o.Display, o.Value));
            rows++;
        }

        foreach (var fired in result.Alerts.Where(f => alerted.Add(f.Kind)))
        {
            db.Add(MeasureAlert.Raise(response, fired));
            rows++;
        }

        if (result.Total is { } t)
        {
            earlier.Add(t);
        }

        return rows;
    }

    private static readonly Guid MarkerIdGuid = new("00000000-0000-0000-0000-00000000b001");
    private static readonly Guid MarkerRespondentGuid = new("00000000-0000-0000-0000-00000000b002");
    private static readonly DateTimeOffset MarkerAt = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string MarkerId = MarkerIdGuid.ToString();
    private static readonly string MarkerRespondent = MarkerRespondentGuid.ToString();
    private const string MarkerTime = "2000-01-01T00:00:00.000Z";

    /// <summary>Validated answers and the FHIR QuestionnaireResponse for a total, built once by the app's own code and reused.</summary>
    private (IReadOnlyList<ValidAnswer> Answers, string Json) Form(Instrument instrument, int total)
    {
        if (_forms.TryGetValue((instrument.Id, total), out var form))
        {
            return form;
        }

        var scored = instrument.Items.Where(i => i.Scored).ToList();
        var scores = MeasuresDemoStep.Spread(total, scored.Count, 3);
        var answers = AnswerValidation.Validate(instrument, scored.Select((item, i) => RawAnswer.Of(item.LinkId, scores[i])).ToList());
        var json = FhirResponses.Build(MarkerIdGuid, instrument, answers, MarkerRespondentGuid, instrument.Respondent, MarkerAt);
        return _forms[(instrument.Id, total)] = (answers, json);
    }

    private string NoteBody() => string.Join(' ', Enumerable.Range(0, 3 + _random.Next(4)).Select(_ => NoteSentences[_random.Next(NoteSentences.Length)]));
}
