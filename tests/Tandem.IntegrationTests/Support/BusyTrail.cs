using Tandem.Features.Audit;

namespace Tandem.IntegrationTests.Support;

/// <summary>A trail as busy as a real practice's: many reads written straight through the audit writer (chained as the app chains them).</summary>
public static class BusyTrail
{
    /// <summary><paramref name="count"/> reads of a plan by one person, 1,000 a batch; entry <c>i</c> is about <paramref name="engagementOf"/>(i).</summary>
    public static async Task PlanReadsAsync(TandemApp app, Guid practice, Func<int, Guid> engagementOf, Guid user, string role, int count, Guid? subject = null)
    {
        var writer = app.Service<AuditWriter>();
        for (var start = 0; start < count; start += 1000)
        {
            await writer.WriteManyAsync([.. Enumerable.Range(start, Math.Min(1000, count - start)).Select(engagementOf).Select(engagement => new AuditEvent
            {
                Action = AuditAction.Read,
                ObjectType = "Plan",
                ObjectId = engagement.ToString(),
                DataCategory = AuditCategories.Clinical,
                EngagementId = engagement,
                SubjectUserId = subject,
                PracticeId = practice,
                UserId = user,
                Role = role,
                SourceAddress = "127.0.0.1",
                At = app.Clock.GetUtcNow(),
            })], TestContext.Current.CancellationToken);
        }
    }
}
