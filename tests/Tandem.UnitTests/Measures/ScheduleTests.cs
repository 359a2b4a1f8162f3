using Tandem.Features.Engagements;
using Tandem.Features.Measures;
using Tandem.Features.Measures.Instruments;
using Tandem.Infrastructure.Errors;

namespace Tandem.UnitTests.Measures;

public sealed class ScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly InstrumentCatalog Catalog = InstrumentCatalog.FromApp();
    private static readonly Engagement Engagement = Engagement.Start(Guid.NewGuid(), "Work", EngagementFormat.ClientLed, Guid.NewGuid(), Start);

    private static MeasureSchedule Schedule(ScheduleKind kind, int? weeks = null, int? lead = null) =>
        MeasureSchedule.Create(Engagement, Catalog.Get("phq-9"), kind, weeks, lead, Guid.NewGuid(), Start);

    [Fact]
    public void Once_is_due_until_answered_after_the_schedule_began()
    {
        var once = Schedule(ScheduleKind.Once);
        Assert.True(once.IsDue(Start.AddDays(1), lastResponse: null, nextSession: null));
        Assert.True(once.IsDue(Start.AddDays(1), lastResponse: Start.AddDays(-3), nextSession: null));
        Assert.False(once.IsDue(Start.AddDays(2), lastResponse: Start.AddDays(1), nextSession: null));
    }

    [Fact]
    public void Every_N_weeks_is_due_again_N_weeks_after_the_last_answer()
    {
        var fortnightly = Schedule(ScheduleKind.EveryNWeeks, weeks: 2);
        Assert.True(fortnightly.IsDue(Start, null, null));
        Assert.False(fortnightly.IsDue(Start.AddDays(13), lastResponse: Start, nextSession: null));
        Assert.True(fortnightly.IsDue(Start.AddDays(14), lastResponse: Start, nextSession: null));
    }

    [Fact]
    public void Before_each_session_opens_the_set_time_before_the_next_session()
    {
        var before = Schedule(ScheduleKind.BeforeEachSession, lead: 24);
        var session = Start.AddDays(7);
        Assert.False(before.IsDue(Start.AddDays(3), null, nextSession: null));
        Assert.False(before.IsDue(session.AddHours(-25), null, session));
        Assert.True(before.IsDue(session.AddHours(-24), null, session));
        Assert.True(before.IsDue(session.AddHours(-2), lastResponse: session.AddDays(-6), nextSession: session));
        Assert.False(before.IsDue(session.AddHours(-2), lastResponse: session.AddHours(-3), nextSession: session));
    }

    [Fact]
    public void A_schedule_needs_its_interval_or_lead_time_and_stops()
    {
        Assert.Throws<DomainException>(() => Schedule(ScheduleKind.EveryNWeeks, weeks: 0));
        Assert.Throws<DomainException>(() => Schedule(ScheduleKind.BeforeEachSession, lead: null));
        var once = Schedule(ScheduleKind.Once);
        once.Stop(Start.AddDays(1));
        Assert.False(once.IsDue(Start.AddDays(2), null, null));
    }
}
