using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Notifications;

/// <summary>The kinds of email Tandem sends about things waiting for someone. Each person chooses which they get.</summary>
public static class NotificationKinds
{
    public const string NewMessage = "new-message";
    public const string Invitation = "invitation";
    public const string ProposalWaiting = "proposal-waiting";
    public const string MeasureDue = "measure-due";
    public const string SessionReminder = "session-reminder";

    public static IReadOnlyList<string> All { get; } = [NewMessage, Invitation, ProposalWaiting, MeasureDue, SessionReminder];
}

/// <summary>
/// One person's choice of notification emails. No row means every kind is on: people who
/// never visited the settings still hear that something is waiting for them.
/// </summary>
public sealed class NotificationPreferences : IPracticeScoped
{
    private NotificationPreferences()
    {
    }

    public Guid UserId { get; private set; }

    public Guid PracticeId { get; private set; }

    public bool NewMessages { get; private set; } = true;

    /// <summary>Invitations to further engagements for someone who already has an account.</summary>
    public bool Invitations { get; private set; } = true;

    public bool ProposalsWaiting { get; private set; } = true;

    public bool MeasuresDue { get; private set; } = true;

    public bool SessionReminders { get; private set; } = true;

    public DateTimeOffset? UpdatedAt { get; private set; }

    public static NotificationPreferences Defaults(Guid practiceId, Guid userId) => new() { PracticeId = practiceId, UserId = userId };

    public bool Wants(string kind) => kind switch
    {
        NotificationKinds.NewMessage => NewMessages,
        NotificationKinds.Invitation => Invitations,
        NotificationKinds.ProposalWaiting => ProposalsWaiting,
        NotificationKinds.MeasureDue => MeasuresDue,
        NotificationKinds.SessionReminder => SessionReminders,
        _ => true,
    };

    public void Set(bool newMessages, bool invitations, bool proposalsWaiting, bool measuresDue, bool sessionReminders, DateTimeOffset now)
    {
        NewMessages = newMessages;
        Invitations = invitations;
        ProposalsWaiting = proposalsWaiting;
        MeasuresDue = measuresDue;
        SessionReminders = sessionReminders;
        UpdatedAt = now;
    }
}

internal sealed class NotificationPreferencesConfiguration : IEntityTypeConfiguration<NotificationPreferences>
{
    public void Configure(EntityTypeBuilder<NotificationPreferences> builder)
    {
        builder.ToTable("NotificationPreferences");
        builder.HasKey(p => p.UserId);
        builder.Property(p => p.UserId).ValueGeneratedNever();
        builder.HasOne<TandemUser>().WithOne().HasForeignKey<NotificationPreferences>(p => p.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}
