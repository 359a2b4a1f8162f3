using System.IO.Pipelines;
using System.Text.Json;
using Hl7.Fhir.Serialization;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Measures.Instruments;
using Tandem.Infrastructure.Mail;
using Tandem.Infrastructure.Security;
using FM = Hl7.Fhir.Model;

namespace Tandem.Features.Export;

/// <summary>
/// The right of access and to data portability (GDPR Art. 15/20, HIPAA 164.524): the record
/// as a FHIR R4 Bundle of type collection, holding what the caller may see and nothing else.
/// Private process notes are never part of it. Every export is audited as a read.
/// </summary>
public sealed class FhirExport(
    TandemDbContext db,
    EngagementAccess access,
    ExportRecordLoader loader,
    PracticeInstruments instruments,
    CurrentUser me,
    AuditTrail audit,
    LinkBuilder links,
    TimeProvider time)
{
    public const string ContentType = "application/fhir+json";

    public static readonly JsonSerializerOptions Json = new JsonSerializerOptions { WriteIndented = true }.ForFhir(FM.ModelInfo.ModelInspector);

    /// <summary>One engagement, as the caller sees it.</summary>
    public async Task<FM.Bundle> ForEngagementAsync(Guid engagementId, CancellationToken ct = default)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, "FhirExport", ct);
        var record = await loader.LoadAsync(engagement, me.Id, withAccessLog: true, ct);
        var builder = await BuilderForAsync([record], ct);
        builder.Add(record);
        var bundle = builder.Build(time.GetUtcNow());
        await AuditAsync(engagement, ct);
        return bundle;
    }

    /// <summary>Every engagement the caller takes part in, as they see each one.</summary>
    public async Task<FM.Bundle> ForMeAsync(CancellationToken ct = default)
    {
        var myId = me.Id;
        var ids = await db.Participants.AsNoTracking()
            .Where(p => p.UserId == myId && p.LeftAt == null)
            .OrderBy(p => p.JoinedAt)
            .Select(p => p.EngagementId)
            .ToListAsync(ct);
        var engagements = new List<Engagement>();
        var records = new List<ExportRecord>();
        foreach (var id in ids.Distinct())
        {
            var engagement = await access.RequireParticipantAsync(id, "FhirExport", ct);
            records.Add(await loader.LoadAsync(engagement, myId, withAccessLog: true, ct));
            engagements.Add(engagement);
        }

        var builder = await BuilderForAsync(records, ct);
        foreach (var record in records)
        {
            builder.Add(record);
        }

        var bundle = builder.Build(time.GetUtcNow());
        foreach (var engagement in engagements)
        {
            await AuditAsync(engagement, ct);
        }

        return bundle;
    }

    /// <summary>
    /// Writes the bundle as FHIR JSON into <paramref name="output"/> (a response's body writer), one entry at a time,
    /// sending as it goes: the bundle's own elements as Firely writes them, then each entry's full URL and resource.
    /// The whole file never sits in memory as text; it used to, twice (a string, then its UTF-8 bytes).
    /// </summary>
    public static async Task SerializeAsync(PipeWriter output, FM.Bundle bundle, CancellationToken ct)
    {
        var entries = bundle.Entry;
        JsonElement head;
        bundle.Entry = [];
        try
        {
            head = JsonSerializer.SerializeToElement(bundle, Json);
        }
        finally
        {
            bundle.Entry = entries;
        }

        // Over the pipe, not its stream: the serializer flushes the writer synchronously, which a pipe takes as a hand-over.
        await using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        foreach (var property in head.EnumerateObject())
        {
            property.WriteTo(writer);
        }

        if (entries.Count > 0)
        {
            writer.WriteStartArray("entry");
            var sent = 0L;
            foreach (var entry in entries)
            {
                if (entry.Resource is not { } resource)
                {
                    continue;
                }

                writer.WriteStartObject();
                writer.WriteString("fullUrl", entry.FullUrl);
                writer.WritePropertyName("resource");
                JsonSerializer.Serialize(writer, resource, resource.GetType(), Json);
                writer.WriteEndObject();
                writer.Flush();
                if (writer.BytesCommitted - sent > SendEvery)
                {
                    await output.FlushAsync(ct);
                    sent = writer.BytesCommitted;
                }
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.Flush();
        await output.FlushAsync(ct);
    }

    private const int SendEvery = 64 * 1024;

    /// <summary>A builder that knows every instrument the records' responses were given with (built-in or the practice's own).</summary>
    private async Task<FhirBundleBuilder> BuilderForAsync(IReadOnlyList<ExportRecord> records, CancellationToken ct)
    {
        var known = await instruments.FindManyAsync(records.SelectMany(r => r.Responses).Select(r => r.InstrumentId), ct);
        return new FhirBundleBuilder(links.Base, id => known.GetValueOrDefault(id));
    }

    private Task AuditAsync(Engagement engagement, CancellationToken ct) => audit.RecordAsync(new AuditEvent
    {
        Action = AuditAction.Read,
        ObjectType = "FhirExport",
        ObjectId = engagement.Id.ToString(),
        EngagementId = engagement.Id,
        DataCategory = AuditCategories.Clinical,
        Purpose = AuditPurposes.Export,
    }, ct);
}
