using System.Security.Claims;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Audit;

/// <summary>
/// How features record what happens. Writes: <see cref="Stage"/> the entry and it is chained
/// in the same transaction as the change (TandemDbContext.SaveChanges), so a change without
/// its entry, or the reverse, cannot exist. Reads, refusals and sign-ins:
/// <see cref="RecordAsync"/> hands the entry to the process's group-commit writer, committed
/// before the answer's first byte leaves (or at once outside a request), so nothing shown or
/// acknowledged is unaudited.
/// </summary>
public sealed class AuditTrail(IHttpContextAccessor http, TimeProvider time, AuditWriter writer, TenantContext tenant, BreakGlassContext breakGlass, AuditOccasion occasion)
{
    private readonly List<AuditEvent> _staged = [];

    private static readonly object RequestCountKey = new();

    /// <summary>
    /// How many entries the handling of this request staged or recorded, in any scope (pages
    /// load through their own scopes); the audit completeness suite reads it.
    /// </summary>
    public static int EventsOf(HttpContext context) => context.Items.TryGetValue(RequestCountKey, out var n) && n is int count ? count : 0;

    /// <summary>The reads recorded by a view being made for the cache (<see cref="Infrastructure.Caching.ViewCache"/>), in its own async flow.</summary>
    private static readonly AsyncLocal<AuditCapture?> Capturing = new();

    /// <summary>
    /// Starts collecting, for the rest of the caller's async flow, the entries recorded as they were asked for (before
    /// they are completed with who, when and from where), so a view served again from memory records the same reads
    /// again, under the person and the moment that really read them.
    /// </summary>
    internal static AuditCapture BeginCapture()
    {
        var capture = new AuditCapture(Capturing.Value);
        Capturing.Value = capture;
        return capture;
    }

    /// <summary>A view being made for the cache wrote something: it is not one to keep (a kept copy would skip the write).</summary>
    internal static void NoteWrite() => Capturing.Value?.MarkUncacheable();

    public void Stage(AuditEvent e)
    {
        NoteWrite();
        _staged.Add(Complete(e));
        Count();
    }

    /// <summary>Records again the reads a kept view recorded when it was made (one batch, one commit).</summary>
    internal Task RecordAgainAsync(IReadOnlyList<AuditEvent> recorded, CancellationToken ct = default)
    {
        Capturing.Value?.Add(recorded);
        // Read now, not when the view was made.
        var direct = BufferAll(recorded.Where(e => !Repeats(e)).Select(e => e with { At = default }).ToList());
        return direct.Length == 0 ? Task.CompletedTask
            : direct.Length == 1 ? writer.WriteAsync(direct[0], ct)
            : writer.WriteManyAsync(direct, ct);
    }

    /// <summary>
    /// Records an entry that does not ride on a change (a read, a refusal, a sign-in). Inside a request whose answer has
    /// not started yet, the entry waits with the request's others and all are committed together, in one batch of the
    /// group writer, just before the first byte of the answer is sent (the response's OnStarting): nothing is shown before
    /// its read is recorded, and a page made of several parts costs one commit instead of one per part. A failed commit
    /// fails the answer. Elsewhere (an answer already streaming, a live circuit, background work) it is committed at once.
    /// </summary>
    public Task RecordAsync(AuditEvent e, CancellationToken ct = default)
    {
        Capturing.Value?.Add([e]);
        if (Repeats(e))
        {
            return Task.CompletedTask;
        }

        return Buffer(e) is { } entry ? writer.WriteAsync(entry, ct) : Task.CompletedTask;
    }

    /// <summary>A successful read that draws again what was just shown and recorded (<see cref="AuditOccasion.RepeatsRecordedLook"/>).</summary>
    private bool Repeats(AuditEvent e) => occasion.RepeatsRecordedLook && e.Action == AuditAction.Read && e.Outcome == AuditOutcome.Success;

    /// <summary>
    /// <see cref="Buffer"/> for several entries at once (a list of 25 engagements, a kept view's reads): completed, counted
    /// and left with the request's others in one step; what could not wait is returned, to be committed at once.
    /// </summary>
    private AuditEvent[] BufferAll(List<AuditEvent> events)
    {
        if (events.Count == 0)
        {
            return [];
        }

        var completed = new AuditEvent[events.Count];
        for (var i = 0; i < completed.Length; i++)
        {
            completed[i] = Complete(events[i]);
        }

        Count(completed.Length);
        return http.HttpContext is { } context && RequestAuditBuffer.TryAddAll(context, writer, completed) ? [] : completed;
    }

    /// <summary>Completes an entry and leaves it with the request's others when it can wait for the answer (then null).</summary>
    private AuditEvent? Buffer(AuditEvent e)
    {
        Count();
        var entry = Complete(e);
        return http.HttpContext is { } context && RequestAuditBuffer.TryAdd(context, writer, entry) ? null : entry;
    }

    /// <summary>
    /// A list that shows several clients' records (the alerts, the schedule, the caseload): every client finds the read in
    /// their own access log (issue 19, finding 10). One chained entry for the whole list, its object id naming the members by
    /// their SHA-256, and one narrow <see cref="AuditListRead"/> row per member beside it, in the same transaction (issue 25:
    /// an entry per engagement made a 34-engagement caseload 34 chained entries a view, its largest cost). A list of one
    /// engagement, a list with its own object id, and a list under emergency access stay entries per engagement, as before.
    /// An empty list is still one entry.
    /// </summary>
    public Task RecordEachAsync(AuditEvent list, IEnumerable<(Guid EngagementId, Guid? SubjectUserId)> shown, CancellationToken ct = default)
    {
        var members = shown.Select(s => (s.EngagementId, SubjectUserId: s.SubjectUserId ?? list.SubjectUserId)).Distinct().ToList();
        if (members.Count == 0)
        {
            return RecordAsync(list, ct);
        }

        if (members.Count > 1 && list.ObjectId is null && !(breakGlass.EngagementId is { } glass && members.Any(m => m.EngagementId == glass)))
        {
            members.Sort((a, b) => a.EngagementId != b.EngagementId ? a.EngagementId.CompareTo(b.EngagementId) : Nullable.Compare(a.SubjectUserId, b.SubjectUserId));
            return RecordAsync(list with { EngagementId = null, SubjectUserId = null, ObjectId = AuditListRead.Name(members), Shown = members }, ct);
        }

        var entries = members
            .Select(s => list with { EngagementId = s.EngagementId, SubjectUserId = s.SubjectUserId, ObjectId = list.ObjectId ?? s.EngagementId.ToString() })
            .ToList();
        Capturing.Value?.Add(entries);
        if (Repeats(list))
        {
            return Task.CompletedTask;
        }

        // Outside a request (a live circuit, background work), or once its answer has started: one hand-over, one commit.
        var direct = BufferAll(entries);
        return direct.Length == 0 ? Task.CompletedTask : writer.WriteManyAsync(direct, ct);
    }

    /// <summary><see cref="RecordEachAsync(AuditEvent, IEnumerable{ValueTuple{Guid, Guid?}}, CancellationToken)"/> for lists of whole engagements.</summary>
    public Task RecordEachAsync(AuditEvent list, IEnumerable<Guid> engagementIds, CancellationToken ct = default) =>
        RecordEachAsync(list, engagementIds.Select(id => (id, (Guid?)null)), ct);

    private void Count(int entries = 1)
    {
        if (http.HttpContext is { } context)
        {
            context.Items[RequestCountKey] = EventsOf(context) + entries;
        }
    }

    internal bool HasStaged => _staged.Count > 0;

    /// <summary>The key staged entries are chained with (the process's one).</summary>
    internal AuditChainKeys ChainKeys => writer.Keys;

    /// <summary>Forgets entries staged for a change that will not be saved (a refused attempt).</summary>
    internal void DiscardStaged() => _staged.Clear();

    internal IReadOnlyList<AuditEvent> TakeStaged()
    {
        var taken = _staged.ToArray();
        _staged.Clear();
        return taken;
    }

    /// <summary>Who the last entry was completed for: a list of 25 engagements is 25 entries for the same person.</summary>
    private (ClaimsPrincipal? User, Guid? Id, string? Role) _actor;

    private (Guid? Id, string? Role) Actor(ClaimsPrincipal? user)
    {
        if (_actor.User is null || !ReferenceEquals(_actor.User, user))
        {
            _actor = (user, Guid.TryParse(user?.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null, user?.FindFirstValue(ClaimTypes.Role));
        }

        return (_actor.Id, _actor.Role);
    }

    private AuditEvent Complete(AuditEvent e)
    {
        var (userId, role) = Actor(tenant.User);
        return e with
        {
            At = e.At == default ? time.GetUtcNow() : e.At,
            UserId = e.UserId ?? userId,
            // Outside any request (start-up seeding, background work, maintenance commands) the actor is the system itself.
            Role = e.Role ?? role ?? (userId is not null ? null : http.HttpContext is null ? "System" : "Anonymous"),
            PracticeId = e.PracticeId ?? tenant.PracticeId,
            SourceAddress = e.SourceAddress ?? tenant.SourceAddress?.ToString() ?? http.HttpContext?.Connection.RemoteIpAddress?.ToString() ?? (http.HttpContext is null ? "local" : null),
            Purpose = breakGlass.EngagementId is { } glass && e.EngagementId == glass ? AuditPurposes.BreakGlass
                : e.Action == AuditAction.Read && e.Purpose == AuditPurposes.Treatment && occasion.ReadPurpose is { } why ? why
                : e.Purpose,
        };
    }
}

/// <summary>The entries of one request that wait for its answer to start (see <see cref="AuditTrail.RecordAsync"/>).</summary>
internal sealed class RequestAuditBuffer
{
    private static readonly object Key = new();
    private readonly List<AuditEvent> _entries = [];
    private readonly AuditWriter _writer;
    private bool _flushed;

    private RequestAuditBuffer(AuditWriter writer) => _writer = writer;

    /// <summary>False when the answer has started (or is starting): the caller commits the entry itself, at once.</summary>
    public static bool TryAdd(HttpContext context, AuditWriter writer, AuditEvent entry) => TryAddAll(context, writer, [entry]);

    /// <summary>Several entries, all or none (then the caller commits them itself, at once).</summary>
    public static bool TryAddAll(HttpContext context, AuditWriter writer, IReadOnlyList<AuditEvent> entries)
    {
        if (context.Response.HasStarted)
        {
            return false;
        }

        RequestAuditBuffer buffer;
        lock (context.Items)
        {
            if (context.Items.TryGetValue(Key, out var found) && found is RequestAuditBuffer existing)
            {
                buffer = existing;
            }
            else
            {
                buffer = new RequestAuditBuffer(writer);
                context.Items[Key] = buffer;
                context.Response.OnStarting(buffer.FlushAsync);
                // An answer that never starts (the caller went away): the entries are still written.
                context.Response.OnCompleted(buffer.FlushAsync);
            }
        }

        lock (buffer._entries)
        {
            if (buffer._flushed)
            {
                return false;
            }

            buffer._entries.AddRange(entries);
            return true;
        }
    }

    private Task FlushAsync()
    {
        AuditEvent[] entries;
        lock (_entries)
        {
            _flushed = true;
            entries = [.. _entries];
            _entries.Clear();
        }

        // All of the request's entries in one hand-over: one batch, one commit.
        return entries.Length == 0 ? Task.CompletedTask : _writer.WriteManyAsync(entries);
    }
}

/// <summary>The entries recorded while one kept view was made (see <see cref="AuditTrail.BeginCapture"/>).</summary>
internal sealed class AuditCapture(AuditCapture? parent)
{
    private readonly List<AuditEvent> _events = [];

    /// <summary>The view being made around this one: what this one records, that one records too.</summary>
    public AuditCapture? Parent => parent;

    public IReadOnlyList<AuditEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Whether the view wrote something, or recorded something only a write records: then it is not kept.</summary>
    public bool Uncacheable { get; private set; }

    public void Add(IEnumerable<AuditEvent> recorded)
    {
        var list = recorded as IReadOnlyCollection<AuditEvent> ?? [.. recorded];
        for (var c = this; c is not null; c = c.Parent)
        {
            lock (c._events)
            {
                c._events.AddRange(list);
            }
        }
    }

    public void MarkUncacheable()
    {
        for (var c = this; c is not null; c = c.Parent)
        {
            c.Uncacheable = true;
        }
    }
}
