using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Audit;

/// <summary>Runs alone: it counts the audit writer's commits, which every app in the process shares.</summary>
[CollectionDefinition("Audit commits", DisableParallelization = true)]
public sealed class AuditCommitsRunAlone;

/// <summary>
/// Issue 25: a page made of several parts (the client's home reads the next session, the plan, the goals, the
/// questionnaires due, the messages...) records each read, and all of them are committed together in one batch before
/// the page's first byte is sent, not one commit per part (six on the client home before). Every read is still in the
/// audit trail by the time the answer arrives.
/// </summary>
[Collection("Audit commits")]
public sealed class ReadAuditCommitTests
{
    [Theory]
    [InlineData("sam@riverside.test", "Your next session")]
    // The therapist's Today: lists of several clients (the caseload, the alerts by client), each client's read its own entry.
    [InlineData("alex@riverside.test", "<h1>Today</h1>")]
    public async Task The_reads_of_a_page_of_several_parts_are_committed_in_one_batch_before_the_page_is_sent(string email, string shown)
    {
        await using var app = await TandemApp.StartAsync();
        using var sam = await app.ClientForAsync(email);
        await sam.GetStringAsync("/", TestContext.Current.CancellationToken);
        var before = 0;
        await app.WithDbAsync(async db => before = await db.AuditEntries.CountAsync(TestContext.Current.CancellationToken), asOwner: true);

        var batches = new List<int>();
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "tandem.audit.batch.size")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<int>((_, entries, _, _) =>
            {
                lock (batches)
                {
                    batches.Add(entries);
                }
            });
            listener.Start();
            var html = await sam.GetStringAsync("/", TestContext.Current.CancellationToken);
            Assert.Contains(shown, html, StringComparison.OrdinalIgnoreCase);
        }

        var after = 0;
        await app.WithDbAsync(async db => after = await db.AuditEntries.CountAsync(TestContext.Current.CancellationToken), asOwner: true);
        var written = after - before;
        Assert.True(written >= 4, $"the home page recorded {written} reads; expected one per part it shows");
        Assert.Equal([written], batches);
    }
}
