using System.Globalization;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security.Matrix;

/// <summary>
/// Fills the ids of requests with records of one engagement (see <see cref="MatrixRoutes"/> for
/// the mapping), choosing, of each type, a record the caller must not see when there is one,
/// and among those one an unchecked write would succeed on (a scheduled session, a pending
/// proposal, an open alert...), so a missing check shows up as an accepted request.
/// </summary>
public sealed class MatrixFiller(RecordIndex index, Person? caller, Guid engagement, DateTimeOffset now)
{
    private RecordInfo Engagement => index.Records[engagement];

    private Guid Practice => Engagement.PracticeId;

    private bool CallerInside => caller is not null && index.IsParticipant(caller.Id, engagement);

    private bool CallerIsTherapist => caller is not null && index.IsTherapistOf(caller.Id, engagement);

    public Slot For(string type)
    {
        switch (type)
        {
            case "Engagement":
                return new Slot(type, engagement.ToString(), !CallerInside);
            case "PracticeEngagement":
                // Break-glass: the practice admin may open any engagement of the practice (audited, participants told); another practice's is foreign.
                return new Slot(type, engagement.ToString(), caller is null || caller.PracticeId != Practice);
            case "Goal" or "Session" or "Commitment" or "Proposal" or "Message" or "MeasureAlert" or "MeasureSchedule" or "AgendaItem":
                return Pick(type, r => r.EngagementId == engagement);
            case "FirstConversationRequest":
                var therapists = index.ParticipantsOf(engagement).Where(p => p.Role == "Therapist").Select(p => p.UserId).ToHashSet();
                return Pick(type, r => r.GuidOf("TherapistId") is { } t && therapists.Contains(t));
            case "PracticeInstrument":
                return Pick(type, r => r.PracticeId == Practice);
            case "InstrumentKey":
                var instrument = index.OfType("PracticeInstrument").Where(r => r.PracticeId == Practice).OrderBy(r => r.Id).FirstOrDefault();
                return instrument is null ? new Slot(type, "phq-9", false) : new Slot(type, instrument.TextOf("Key") ?? "", index.IsForbidden(caller, instrument));
            case "Person":
                var person = Client();
                return new Slot(type, person.ToString(), caller is null || caller.PracticeId != Practice);
            case "Participant":
                return new Slot(type, Client().ToString(), !CallerInside);
            case "Thread":
                // A one-to-one thread: its client and the engagement's therapists only.
                var client = Client();
                return new Slot(type, client.ToString(), !CallerInside || (!CallerIsTherapist && client != caller!.Id));
            case "Therapist":
                var therapist = index.ParticipantsOf(engagement).First(p => p.Role == "Therapist").UserId;
                return new Slot(type, therapist.ToString(), false);
            case "Document":
                return new Slot(type, "v1", false);
            case "Secret":
                return new Slot(type, Guid.NewGuid().ToString("N"), false, Unknown: true);
            case "UnknownId":
                return new Slot(type, Guid.NewGuid().ToString(), false, Unknown: true);
            default:
                throw new InvalidOperationException($"The matrix cannot fill a {type}.");
        }
    }

    /// <summary>A client of the engagement, the caller's partner rather than the caller when there is one.</summary>
    private Guid Client()
    {
        var clients = index.ParticipantsOf(engagement).Where(p => p.Role == "Client").Select(p => p.UserId).ToList();
        return clients.FirstOrDefault(c => c != caller?.Id, clients.FirstOrDefault());
    }

    private Slot Pick(string type, Func<RecordInfo, bool> where)
    {
        var best = index.OfType(type).Where(where)
            .OrderByDescending(r => index.IsForbidden(caller, r))
            .ThenByDescending(Preference)
            .ThenBy(r => r.Id)
            .FirstOrDefault();
        return best is null
            ? new Slot(type, Guid.NewGuid().ToString(), false, Unknown: true)
            : new Slot(type, best.Id.ToString(), index.IsForbidden(caller, best));
    }

    /// <summary>How "live" a record is: the matrix prefers records a write would succeed on.</summary>
    private int Preference(RecordInfo r)
    {
        var score = 0;
        if (r.Values.TryGetValue("Status", out var status) && Convert.ToString(status, CultureInfo.InvariantCulture) is "Scheduled" or "Pending" or "New" or "Agreed" or "Proposed" or "Enabled")
        {
            score += 4;
        }

        foreach (var open in new[] { "DoneAt", "StoppedAt", "AcknowledgedAt", "DecidedAt", "ClosedAt" })
        {
            if (r.Values.TryGetValue(open, out var value) && value is null)
            {
                score += 2;
            }
        }

        if (r.Values.TryGetValue("StartsAt", out var starts) && starts is DateTimeOffset at && at > now)
        {
            score += 1;
        }

        // A one-to-one thread's message is the more telling one when the caller may not see it.
        if (r.GuidOf("ThreadWith") is { } thread && thread != Guid.Empty)
        {
            score += 1;
        }

        return score;
    }
}

/// <summary>The bodies and queries the matrix sends: valid for each endpoint, so only access can refuse them.</summary>
public static class MatrixBodies
{
    private static readonly string[] Phq9 = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"];

    public static string Query(EndpointInfo e, Func<string, Slot> fill, List<Slot> slots)
    {
        if (e.Method != "GET")
        {
            return "";
        }

        var plain = MatrixRoutes.Plain(e.Pattern);
        string Add(string name, string type)
        {
            var slot = fill(type);
            slots.Add(slot);
            return $"?{name}={Uri.EscapeDataString(slot.Value)}";
        }

        return plain switch
        {
            "/api/engagements/{id}/messages" or "/engagements/{EngagementId}/messages" => Add("withClient", "Thread"),
            "/api/engagements/{id}/access-log" => Add("who", "Thread"),
            "/api/engagements/{id}/responses" => Add("instrumentId", "InstrumentKey"),
            _ => "",
        };
    }

    /// <summary>The JSON body for a write, or null for none. Ids in it are filled (and recorded in <paramref name="slots"/>).</summary>
    public static object? Body(EndpointInfo e, Func<string, Slot> fill, List<Slot> slots, DateTimeOffset now)
    {
        string Id(string type)
        {
            var slot = fill(type);
            slots.Add(slot);
            return slot.Value;
        }

        var when = now.AddDays(10).ToString("O", CultureInfo.InvariantCulture);
        return (e.Method + " " + MatrixRoutes.Plain(e.Pattern)) switch
        {
            "POST /api/engagements" => new { title = "Matrix", format = "TherapistLed" },
            "POST /api/engagements/{id}/proposals" => new { kind = "EditGoal", goalId = Id("Goal"), text = "Matrix goal", whyItMatters = "x", reason = "x" },
            "POST /api/engagements/{id}/commitments" => new { text = "Matrix commitment", ownerId = Id("Participant"), due = DateOnly.FromDateTime(now.AddDays(7).UtcDateTime) },
            "POST /api/engagements/{id}/responses" => new { instrumentId = "phq-9", answers = Phq9.Select(l => new { linkId = l, value = 0 }).ToArray(), sessionId = Id("Session") },
            "POST /api/engagements/{id}/schedules" => new { instrumentId = "phq-9", kind = "Once" },
            "POST /api/engagements/{id}/messages" => new { body = "Matrix message", withClient = Id("Thread") },
            "PUT /api/engagements/{id}/messages/settings" => new { allowPrivateThreads = true },
            "PUT /api/engagements/{id}/plan" => new { focus = "Matrix focus" },
            "POST /api/engagements/{id}/sessions" or "PUT /api/sessions/{id}" => new { startsAt = when, durationMinutes = 50, location = "Room 9" },
            "POST /api/engagements/{id}/invitations" or "POST /api/practice/invitations" => new { email = "matrix-invitee@example.test" },
            "POST /api/engagements/{id}/format" => new { format = "TherapistLed", reason = "x" },
            "POST /api/engagements/{id}/therapists" => new { userId = Id("Therapist") },
            "POST /api/engagements/{id}/goals/{goalId}/ratings" => new { value = 5 },
            "POST /api/sessions/{id}/status" => new { status = "Cancelled" },
            "POST /api/sessions/{id}/agenda" => new { text = "Matrix agenda item", kind = "Topic" },
            "PUT /api/sessions/{id}/agenda/order" => new { itemIds = new[] { Id("AgendaItem") } },
            "PUT /api/sessions/{id}/note" or "PUT /api/sessions/{id}/private-note" => new { body = "Matrix note" },
            "POST /api/sessions/{id}/note/amendments" => new { body = "Matrix amendment", reason = "x" },
            "POST /api/sessions/{id}/note/annotations" => new { text = "Matrix annotation", stance = "Agree" },
            "POST /api/sessions/{id}/reflections" => new { text = "Matrix reflection" },
            "POST /api/proposals/{id}/accept" or "POST /api/proposals/{id}/decline" or "POST /api/proposals/{id}/comments" => new { comment = "Matrix comment" },
            "POST /api/directory/requests/{id}/convert" => new { format = "TherapistLed", title = "Matrix", email = "matrix-invitee@example.test" },
            "POST /api/practice/break-glass" => new { engagementId = Id("PracticeEngagement"), reason = "Matrix emergency" },
            "POST /api/directory/requests" => new { therapistId = Id("Therapist"), name = "Matrix Person", email = "matrix-person@example.test", message = "I would like to talk.", preferredFormat = "NoPreference" },
            "POST /api/auth/login" => new { email = "nobody@example.test", password = "not-the-password-2026" },
            "POST /api/auth/refresh" => new { refreshToken = "not-a-token" },
            "POST /api/language/check" => new { text = "Matrix text" },
            "PUT /api/practice/crisis-information" => new { text = "Call 999 in an emergency." },
            "POST /api/invitations/{token}/accept" => new { displayName = "Matrix", password = "Matrix-password-2026!" },
            _ => new { },
        };
    }

    /// <summary>Writes that need the plan's or the note's version: a plausible one, so only access decides.</summary>
    public static IReadOnlyDictionary<string, string> Headers(EndpointInfo e) => MatrixRoutes.Plain(e.Pattern) switch
    {
        "/api/engagements/{id}/plan" or "/api/sessions/{id}/note" or "/api/sessions/{id}/note/sign" when e.Method != "GET" => new Dictionary<string, string> { ["If-Match"] = "\"1\"" },
        _ => new Dictionary<string, string>(),
    };
}
