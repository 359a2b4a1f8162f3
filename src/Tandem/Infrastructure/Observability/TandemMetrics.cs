using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Measures.Scoring;
using Tandem.Infrastructure.Mail;

namespace Tandem.Infrastructure.Observability;

/// <summary>
/// Tandem's own meter, "Tandem" (docs/operations.md, Monitoring). Its tags name kinds of things,
/// never a person, a practice or anything a person wrote: an instrument's code (a practice's own
/// instruments are all "imported"), an alert's kind. With no listener (OTLP not configured) every
/// call below is a field read and a return.
/// </summary>
public static class TandemMetrics
{
    public const string MeterName = "Tandem";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Responses = Meter.CreateCounter<long>(
        "tandem.responses.submitted", "{response}", "Questionnaire responses saved, by instrument code.");

    private static readonly Counter<long> Alerts = Meter.CreateCounter<long>(
        "tandem.alerts.raised", "{alert}", "Alerts raised on questionnaire answers, by kind.");

    private static readonly Counter<long> ViewLookups = Meter.CreateCounter<long>(
        "tandem.view_cache.lookups", "{view}", "Views looked up in memory (issue 25), by view and whether one was kept (hit).");

    /// <summary>A view looked up in the view cache: kept (hit) or made afresh.</summary>
    public static void ViewLookedUp(string view, bool hit) =>
        ViewLookups.Add(1, new KeyValuePair<string, object?>("tandem.view", view), new KeyValuePair<string, object?>("tandem.view_cache.hit", hit));

    private static readonly Counter<long> MarkupLookups = Meter.CreateCounter<long>(
        "tandem.view_cache.markup", "{part}", "Page parts drawn from a kept view (issue 25), by part and whether its markup was kept (hit).");

    /// <summary>A page part drawn from a kept view: its markup kept (hit) or drawn afresh.</summary>
    public static void MarkupLookedUp(string part, bool hit) =>
        MarkupLookups.Add(1, new KeyValuePair<string, object?>("tandem.part", part), new KeyValuePair<string, object?>("tandem.view_cache.hit", hit));

    private static readonly Histogram<int> AuditBatch = Meter.CreateHistogram<int>(
        "tandem.audit.batch.size", "{entry}", "Audit entries committed together by the audit writer (group commit).");

    private static readonly Histogram<double> AuditLatency = Meter.CreateHistogram<double>(
        "tandem.audit.write.duration", "s", "How long one audit batch took to commit.");

    public static void ResponseSubmitted(string instrumentId)
    {
        if (Responses.Enabled)
        {
            Responses.Add(1, new KeyValuePair<string, object?>("tandem.instrument", InstrumentCatalog.Ids.Contains(instrumentId) ? instrumentId : "imported"));
        }
    }

    public static void AlertRaised(AlertKind kind)
    {
        if (Alerts.Enabled)
        {
            Alerts.Add(1, new KeyValuePair<string, object?>("tandem.alert.kind", kind.ToString()));
        }
    }

    public static void AuditBatchCommitted(int entries, TimeSpan took)
    {
        if (AuditBatch.Enabled || AuditLatency.Enabled)
        {
            AuditBatch.Record(entries);
            AuditLatency.Record(took.TotalSeconds);
        }
    }

    /// <summary>A timestamp for <see cref="AuditBatchCommitted"/>; 0 when nobody listens.</summary>
    public static long Start() => AuditLatency.Enabled ? Stopwatch.GetTimestamp() : 0;

    public static TimeSpan Since(long start) => start == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(start);
}

/// <summary>
/// tandem.outbox.depth: emails waiting to be sent. An observable gauge of the app's own database, so it is
/// created only when telemetry is exported (one indexed count per collection, every export interval).
/// </summary>
internal sealed class OutboxDepthGauge : IDisposable
{
    private readonly Meter _meter;
    private readonly IServiceScopeFactory _scopes;

    public OutboxDepthGauge(IMeterFactory meters, IServiceScopeFactory scopes)
    {
        _scopes = scopes;
        _meter = meters.Create(TandemMetrics.MeterName);
        _meter.CreateObservableGauge("tandem.outbox.depth", Observe, "{message}", "Emails in the outbox not sent yet.");
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        try
        {
            using var scope = _scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            using var system = db.Tenant.AsSystem();
            return [new Measurement<long>(db.Set<OutboxMessage>().LongCount(OutboxHealthCheck.Waiting))];
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // No figure this time (the database is away; the ready check says so).
            return [];
        }
    }

    public void Dispose() => _meter.Dispose();
}
