using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Accounts;
using Tandem.Infrastructure.Tenancy;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security.Matrix;

public sealed record Person(Guid Id, string Email, Guid PracticeId, PersonRole Role)
{
    public bool IsAdmin => Role == PersonRole.PracticeAdmin;
}

/// <summary>One stored record: its type (the entity's class name), practice, engagement and the values the access rules need.</summary>
public sealed record RecordInfo(Guid Id, string Type, Guid PracticeId, Guid? EngagementId, IReadOnlyDictionary<string, object?> Values)
{
    public Guid? GuidOf(string property) => Values.TryGetValue(property, out var v) ? v as Guid? : null;

    public string? TextOf(string property) => Values.TryGetValue(property, out var v) ? v as string : null;

    /// <summary>Every scalar value, to tell whether a refused request changed the record.</summary>
    public string Fingerprint { get; init; } = "";
}

/// <summary>
/// Every record in the database, read straight from the EF model (so a new record type is
/// indexed without touching this file), with the engagement each belongs to: directly through
/// its EngagementId, or through the record it hangs off (a goal through its plan, a proposal
/// response through its proposal...). <see cref="IsForbidden"/> states API.md's access rule
/// for one person and one record, independently of the product's own code.
/// </summary>
public sealed partial class RecordIndex
{
    private readonly Dictionary<Guid, RecordInfo> _records;
    private readonly ILookup<Guid, (Guid UserId, string Role)> _participants;

    private RecordIndex(Dictionary<Guid, RecordInfo> records, Dictionary<string, Person> people, ILookup<Guid, (Guid, string)> participants)
    {
        _records = records;
        People = people;
        _participants = participants;
    }

    public IReadOnlyDictionary<Guid, RecordInfo> Records => _records;

    /// <summary>People by email.</summary>
    public IReadOnlyDictionary<string, Person> People { get; }

    public IEnumerable<RecordInfo> OfType(string type) => _records.Values.Where(r => r.Type == type);

    public Person Person(string email) => People[email];

    public IReadOnlyList<(Guid UserId, string Role)> ParticipantsOf(Guid engagementId) => [.. _participants[engagementId]];

    public bool IsParticipant(Guid userId, Guid engagementId) => _participants[engagementId].Any(p => p.UserId == userId);

    public bool IsTherapistOf(Guid userId, Guid engagementId) => _participants[engagementId].Any(p => p.UserId == userId && p.Role == "Therapist");

    /// <summary>The engagement this person takes part in as a client (the demo's clients have one each).</summary>
    public Guid EngagementOfClient(string email)
    {
        var id = Person(email).Id;
        return _participants.First(g => g.Any(p => p.UserId == id && p.Role == "Client")).Key;
    }

    /// <summary>
    /// Records whose id must never reach this person: the matrix fills route, query and body ids
    /// with them, and no answer this person gets may contain them. (Anonymous: every protected record.)
    /// </summary>
    public bool IsForbidden(Person? caller, RecordInfo record)
    {
        if (!IsProtected(record))
        {
            return false;
        }

        if (caller is null)
        {
            return true;
        }

        switch (record.Type)
        {
            // A first-conversation request is for the therapist it was addressed to, nobody else.
            case "FirstConversationRequest":
                return record.GuidOf("TherapistId") != caller.Id;
            // The practice's imported instruments: its own people only.
            case "PracticeInstrument":
                return record.PracticeId != caller.PracticeId;
        }

        if (record.PracticeId != caller.PracticeId)
        {
            return true;
        }

        var engagement = record.EngagementId!.Value;
        if (!IsParticipant(caller.Id, engagement))
        {
            // The practice admin sees who is in which engagement (API.md, /api/practice/engagements), nothing inside it.
            return !(caller.IsAdmin && record.Type is "Engagement" or "Participant");
        }

        var therapist = IsTherapistOf(caller.Id, engagement);
        return record.Type switch
        {
            // A private process note is for its author alone, not even a co-therapist.
            "PrivateNote" => record.GuidOf("AuthorId") != caller.Id,
            // Personal records: their person and the engagement's therapists.
            // (A therapist's own Collaboration Check is shown beside the clients' to everyone: ProgressQueries.)
            "MeasureResponse" => record.GuidOf("RespondentId") is { } respondent && respondent != caller.Id && !therapist && !IsTherapistOf(respondent, engagement),
            "ScoreObservation" => record.GuidOf("SubjectId") is { } subject && subject != caller.Id && !therapist && !IsTherapistOf(subject, engagement),
            "Reflection" => record.GuidOf("AuthorId") != caller.Id && !therapist,
            "Message" or "MessageReadState" => record.GuidOf("ThreadWith") is { } thread && thread != Guid.Empty && thread != caller.Id && !therapist,
            // Alerts are the therapists' (API.md: GET /api/alerts, therapist), and part of the record of the person they are about.
            "MeasureAlert" => !therapist && record.GuidOf("SubjectUserId") != caller.Id,
            _ => false,
        };
    }

    /// <summary>Clinical records (anything of an engagement), first-conversation requests and imported instruments.</summary>
    public static bool IsProtected(RecordInfo record) =>
        record.EngagementId is not null || record.Type is "FirstConversationRequest" or "PracticeInstrument";

    public bool IsForbidden(Person? caller, Guid id) => _records.TryGetValue(id, out var r) && IsForbidden(caller, r);

    /// <summary>The ids and marker words in a response body that this person must not see.</summary>
    public IReadOnlyList<string> ForbiddenIn(Person? caller, string body, IReadOnlyDictionary<string, RecordInfo> markers)
    {
        var found = new List<string>();
        foreach (Match m in GuidPattern().Matches(body))
        {
            if (Guid.TryParse(m.Value, out var id) && _records.TryGetValue(id, out var r) && IsForbidden(caller, r))
            {
                var from = Math.Max(0, m.Index - 80);
                found.Add($"{r.Type} {id} (in \"{body[from..Math.Min(body.Length, m.Index + 60)].ReplaceLineEndings(" ")}\")");
            }
        }

        foreach (Match m in MarkerPattern().Matches(body))
        {
            if (markers.TryGetValue(m.Value, out var r) && IsForbidden(caller, r))
            {
                found.Add($"{r.Type} text '{m.Value}'");
            }
        }

        return found.Distinct().ToList();
    }

    /// <summary>The words the matrix's setup wrote into personal records (reflections, private notes, one-to-one messages), with their record.</summary>
    public IReadOnlyDictionary<string, RecordInfo> Markers()
    {
        var markers = new Dictionary<string, RecordInfo>();
        foreach (var r in _records.Values)
        {
            foreach (var text in new[] { r.TextOf("Text"), r.TextOf("Body") })
            {
                if (text is null)
                {
                    continue;
                }

                foreach (Match m in MarkerPattern().Matches(text))
                {
                    markers.TryAdd(m.Value, r);
                }
            }
        }

        return markers;
    }

    public static string Marker(string what) => $"mxsecret{what}{Guid.NewGuid():N}"[..28].ToLowerInvariant();

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex GuidPattern();

    [GeneratedRegex("mxsecret[a-z0-9]{20}")]
    private static partial Regex MarkerPattern();

    public static async Task<RecordIndex> LoadAsync(TandemApp app)
    {
        var records = new Dictionary<Guid, RecordInfo>();
        var people = new Dictionary<string, Person>(StringComparer.OrdinalIgnoreCase);
        var participants = new List<(Guid Engagement, Guid UserId, string Role)>();
        await app.WithDbAsync(async db =>
        {
            foreach (var u in await db.Users.AsNoTracking().ToListAsync())
            {
                people[u.Email!] = new Person(u.Id, u.Email!, u.PracticeId, u.Role);
            }

            foreach (var p in await db.Participants.AsNoTracking().Where(p => p.LeftAt == null).ToListAsync())
            {
                participants.Add((p.EngagementId, p.UserId, p.Role.ToString()));
            }

            var setMethod = typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!;
            foreach (var entityType in db.Model.GetEntityTypes())
            {
                var key = entityType.FindPrimaryKey();
                // Records with an id of their own (a row keyed by its engagement, such as its messaging settings, is part of that engagement's record).
                if (entityType.IsOwned() || entityType.BaseType is not null || !typeof(IPracticeScoped).IsAssignableFrom(entityType.ClrType)
                    || key is null || key.Properties.Count != 1 || key.Properties[0].ClrType != typeof(Guid) || key.Properties[0].Name != "Id")
                {
                    continue;
                }

                var properties = entityType.GetProperties().ToList();
                var set = setMethod.MakeGenericMethod(entityType.ClrType).Invoke(db, null)!;
                await foreach (var row in (IAsyncEnumerable<object>)set)
                {
                    var entry = db.Entry(row);
                    var values = properties.ToDictionary(p => p.Name, p => entry.Property(p.Name).CurrentValue);
                    var id = (Guid)values["Id"]!;
                    var practice = (Guid)values["PracticeId"]!;
                    Guid? engagement = entityType.ClrType.Name == "Engagement" ? id : values.GetValueOrDefault("EngagementId") as Guid?;
                    if (engagement == Guid.Empty)
                    {
                        engagement = null;
                    }

                    var fingerprint = string.Join("|", values.OrderBy(v => v.Key, StringComparer.Ordinal)
                        .Select(v => v.Key + "=" + Convert.ToString(v.Value, CultureInfo.InvariantCulture)));
                    records[id] = new RecordInfo(id, entityType.ClrType.Name, practice, engagement, values) { Fingerprint = fingerprint };
                }

                db.ChangeTracker.Clear();
            }
        });

        // Records without an EngagementId of their own belong to the engagement of the record
        // they hang off (a goal to its plan's, a proposal response to its proposal's).
        for (var pass = 0; pass < 3; pass++)
        {
            foreach (var r in records.Values.Where(r => r.EngagementId is null && r.Type != "FirstConversationRequest").ToList())
            {
                var parent = r.Values.Where(v => v.Key.EndsWith("Id", StringComparison.Ordinal) && v.Key is not ("Id" or "PracticeId"))
                    .Select(v => v.Value as Guid?)
                    .Where(g => g is not null && records.TryGetValue(g.Value, out var p) && p.EngagementId is not null)
                    .Select(g => records[g!.Value].EngagementId)
                    .FirstOrDefault();
                if (parent is not null)
                {
                    records[r.Id] = r with { EngagementId = parent };
                }
            }
        }

        return new RecordIndex(records, people, participants.ToLookup(p => p.Engagement, p => (p.UserId, p.Role)));
    }
}
