using System.Text.RegularExpressions;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security.Matrix;

/// <summary>An id placed in a request: the record type it stands for, and whether the caller may see that record.</summary>
/// <param name="Unknown">A made-up id (no such record of this type exists where the matrix looked): it must answer like a foreign one.</param>
public sealed record Slot(string Type, string Value, bool Forbidden, bool Unknown = false)
{
    public bool Foreign => Forbidden || Unknown;
}

/// <summary>
/// How the matrix fills the ids of a request (QUALITY.md S1), written down so a reader can check it.
///
/// Route parameters, by name and the path segment before them:
/// <list type="table">
/// <item><c>/api/engagements/{id}</c>, pages <c>/engagements/{Id}</c> and <c>{EngagementId}</c>: Engagement</item>
/// <item><c>{goalId}</c>: Goal (of the plan of that engagement)</item>
/// <item><c>/api/sessions/{id}</c>, page <c>/sessions/{Id}</c>: Session (an upcoming scheduled one when there is one, so an unchecked write would succeed)</item>
/// <item><c>/api/commitments/{id}</c>: Commitment (an open one); <c>/api/proposals/{id}</c>: Proposal (a pending one)</item>
/// <item><c>/api/messages/{id}</c>: Message (a one-to-one thread's when the caller is outside it)</item>
/// <item><c>/api/alerts/{id}</c>: MeasureAlert (an open one); <c>/api/schedules/{id}</c>: MeasureSchedule (an active one)</item>
/// <item><c>/api/directory/requests/{id}</c>, page <c>/directory/requests/{Id}</c>: FirstConversationRequest (addressed to the target engagement's therapist)</item>
/// <item><c>/api/practice/instruments/{id}</c>, page <c>/practice/instruments/{Id}</c>: PracticeInstrument (of the target's practice)</item>
/// <item>page <c>{InstrumentId}</c>: the key of the target practice's imported instrument</item>
/// <item><c>/api/practice/people/{id}</c>: Person (a client of the target engagement)</item>
/// <item><c>{TherapistId}</c> (public first-conversation form): the target's therapist (public, never foreign)</item>
/// <item><c>{token}</c>, <c>{Token}</c>, passkey <c>{Id}</c>, <c>/api/practice/invitations/{id}</c>: a guessed secret (no such token or invitation)</item>
/// <item><c>{practiceId}</c> (public logo and brand colour): a made-up guid (no such practice: 404)</item>
/// <item><c>{documentName}</c> (the public OpenAPI document and its browser): <c>v1</c></item>
/// </list>
/// Query and body ids: <c>withClient</c> and <c>who</c> (a client's one-to-one thread: foreign unless the caller is that client or a
/// therapist of the engagement), <c>instrumentId</c> (instrument key), <c>goalId</c>, <c>sessionId</c>, <c>ownerId</c> (a participant),
/// <c>itemIds</c> (agenda items), <c>engagementId</c> (break-glass), <c>therapistId</c> (public).
/// </summary>
public static partial class MatrixRoutes
{
    /// <summary>The record type a route parameter stands for, or null when the matrix does not know it (the test then fails, naming it).</summary>
    public static string? TypeOf(string pattern, string parameter, string segmentBefore) => parameter switch
    {
        "goalId" => "Goal",
        "EngagementId" => "Engagement",
        "InstrumentId" => "InstrumentKey",
        "TherapistId" => "Therapist",
        "token" or "Token" => "Secret",
        "documentName" => "Document",
        // The public logo and brand style sheet: a made-up practice has neither (404), like any unknown id.
        "practiceId" => "UnknownId",
        // The demo has no online-session guests: a made-up guest of one's own session answers like another practice's (404);
        // a real one (invited, used, withdrawn) is in Video/OnlineSessionGuestTests.
        "guestId" => "UnknownId",
        // Reviews opened when the work is off track: the demo has none; a made-up one of one's own engagement answers like
        // another's (404). Real ones, their client and their therapists, are in Measures/OffTrackReviewTests.
        "reviewId" or "ReviewId" => "UnknownId",
        "id" or "Id" => segmentBefore switch
        {
            "engagements" => "Engagement",
            "sessions" => "Session",
            "commitments" => "Commitment",
            "proposals" => "Proposal",
            "messages" => "Message",
            "alerts" => "MeasureAlert",
            "schedules" => "MeasureSchedule",
            "requests" => "FirstConversationRequest",
            "instruments" => "PracticeInstrument",
            "people" => "Person",
            // The demo has no pending invitation: a made-up id, which must answer like another practice's (404).
            // Resend and cancel of a real one, and another practice's admin, are in Accounts/PeopleAdminTests.
            "invitations" => "Secret",
            "RenamePasskey" => "Secret",
            "RemovePasskey" => "Secret",
            _ => null,
        },
        _ => null,
    };

    /// <summary>The route parameters of a pattern: (name, the segment before it).</summary>
    public static IReadOnlyList<(string Name, string Before, Match Match)> Parameters(string pattern)
    {
        var list = new List<(string, string, Match)>();
        foreach (Match m in Parameter().Matches(pattern))
        {
            var before = pattern[..m.Index].TrimEnd('/');
            var segment = before[(before.LastIndexOf('/') + 1)..];
            list.Add((m.Groups[1].Value, segment, m));
        }

        return list;
    }

    /// <summary>The pattern without constraints: <c>/api/sessions/{id:guid}/note</c> becomes <c>/api/sessions/{id}/note</c>.</summary>
    public static string Plain(string pattern) => Parameter().Replace(pattern, m => "{" + m.Groups[1].Value + "}");

    public static string Fill(string pattern, Func<string, string, Slot> slotFor, List<Slot> slots)
    {
        var parameters = Parameters(pattern);
        var result = pattern;
        foreach (var (name, before, match) in parameters.OrderByDescending(p => p.Match.Index))
        {
            var type = TypeOf(pattern, name, before) ?? throw new InvalidOperationException($"No record type for {{{name}}} in {pattern}");
            var slot = slotFor(type, name);
            slots.Add(slot);
            result = result[..match.Index] + Uri.EscapeDataString(slot.Value) + result[(match.Index + match.Length)..];
        }

        return result;
    }

    /// <summary>Framework endpoints (the fallback policy still covers them) and static files: not part of the matrix.</summary>
    public static bool IsOutOfScope(EndpointInfo e)
    {
        if (e.Pattern.StartsWith("/_blazor", StringComparison.Ordinal) || e.Pattern.StartsWith("/_framework", StringComparison.Ordinal) || e.Pattern.StartsWith("/{**path", StringComparison.Ordinal))
        {
            return true;
        }

        // The development mailbox shows every mail the installation wrote, to anyone, by design; it exists only in
        // Development and Test (DevMailTests), so it is no part of the access rule.
        if (e.Pattern == "/dev/mail")
        {
            return true;
        }

        var last = e.Pattern[(e.Pattern.LastIndexOf('/') + 1)..];
        return e.AllowsAnonymous && e.Method == "GET" && !e.Pattern.Contains('{', StringComparison.Ordinal) && last.Contains('.', StringComparison.Ordinal) && !e.IsApi;
    }

    [GeneratedRegex(@"\{\*{0,2}([^}:?=]+)[^}]*\}")]
    private static partial Regex Parameter();
}
