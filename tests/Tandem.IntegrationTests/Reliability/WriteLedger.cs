using System.Collections.Concurrent;

namespace Tandem.IntegrationTests.Reliability;

public enum WriteKind
{
    Response,
    Message,
    PlanFocus,
}

public enum WriteOutcome
{
    /// <summary>Sent; no answer yet (or never: the server died first).</summary>
    Unacknowledged,

    /// <summary>A 2xx answer arrived: the server promised the write is kept.</summary>
    Acknowledged,

    /// <summary>A 4xx answer: the server said it did not write it.</summary>
    Refused,
}

/// <summary>One write a crash-test client sent, found again in the database by its marker.</summary>
public sealed class TrackedWrite(WriteKind kind, string marker, Guid engagementId, string person, object? body)
{
    public WriteKind Kind { get; } = kind;

    /// <summary>The Idempotency-Key of a response; the text of a message or focus.</summary>
    public string Marker { get; } = marker;

    public Guid EngagementId { get; } = engagementId;

    public string Person { get; } = person;

    /// <summary>The JSON body sent, so a response can be retried exactly.</summary>
    public object? Body { get; } = body;

    public WriteOutcome Outcome { get; set; }

    public Guid? Id { get; set; }

    public int? Status { get; set; }

    public int Round { get; init; }
}

/// <summary>Every write of the crash test and what the server answered to it.</summary>
public sealed class WriteLedger
{
    private readonly ConcurrentQueue<TrackedWrite> _writes = new();
    private int _acknowledged;
    private int _serverErrors;

    public IReadOnlyCollection<TrackedWrite> All => _writes;

    public int AcknowledgedCount => Volatile.Read(ref _acknowledged);

    public int ServerErrors => Volatile.Read(ref _serverErrors);

    public List<string> ServerErrorDetails { get; } = [];

    public TrackedWrite Begin(TrackedWrite write)
    {
        _writes.Enqueue(write);
        return write;
    }

    public void Acknowledge(TrackedWrite write, Guid? id, int status)
    {
        write.Id = id;
        write.Status = status;
        write.Outcome = WriteOutcome.Acknowledged;
        Interlocked.Increment(ref _acknowledged);
    }

    public static void Refuse(TrackedWrite write, int status)
    {
        write.Status = status;
        write.Outcome = WriteOutcome.Refused;
    }

    public void ServerError(TrackedWrite write, int status, string body)
    {
        write.Status = status;
        Interlocked.Increment(ref _serverErrors);
        lock (ServerErrorDetails)
        {
            ServerErrorDetails.Add($"{write.Kind} by {write.Person}: {status} {body[..Math.Min(body.Length, 300)]}");
        }
    }
}
