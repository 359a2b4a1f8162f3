using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Engagements;

namespace Tandem.Features.Sessions;

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> builder)
    {
        builder.ToTable("Sessions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Location).HasMaxLength(Session.LocationMaxLength);
        builder.Property(s => s.LocationKind).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.Version).IsConcurrencyToken();
        builder.Ignore(s => s.EndsAt);
        builder.Ignore(s => s.TakesAgendaItems);
        builder.HasOne<Engagement>().WithMany().HasForeignKey(s => s.EngagementId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => new { s.PracticeId, s.EngagementId, s.StartsAt });
        // The reminder sweep: scheduled sessions starting soon without a reminder yet.
        builder.HasIndex(s => new { s.Status, s.StartsAt });
        // "Cancel the rest of this series".
        builder.HasIndex(s => s.SeriesId);
    }
}

internal sealed class AgendaItemConfiguration : IEntityTypeConfiguration<AgendaItem>
{
    public void Configure(EntityTypeBuilder<AgendaItem> builder)
    {
        builder.ToTable("AgendaItems");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Text).HasMaxLength(AgendaItem.TextMaxLength);
        builder.Property(a => a.Kind).HasConversion<string>().HasMaxLength(20);
        builder.HasOne<Session>().WithMany().HasForeignKey(a => a.SessionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<TandemUser>().WithMany().HasForeignKey(a => a.AuthorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => new { a.SessionId, a.Position });
    }
}

internal sealed class SharedNoteConfiguration : IEntityTypeConfiguration<SharedNote>
{
    public void Configure(EntityTypeBuilder<SharedNote> builder)
    {
        builder.ToTable("SharedNotes");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Id).ValueGeneratedNever();
        builder.Property(n => n.Body).HasMaxLength(SharedNote.BodyMaxLength);
        builder.Property(n => n.Version).IsConcurrencyToken();
        builder.Ignore(n => n.Status);
        builder.Ignore(n => n.ETag);
        builder.HasOne<Session>().WithOne().HasForeignKey<SharedNote>(n => n.SessionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(n => n.SessionId).IsUnique();
        builder.HasIndex(n => new { n.PracticeId, n.EngagementId });
    }
}

internal sealed class NoteAmendmentConfiguration : IEntityTypeConfiguration<NoteAmendment>
{
    public void Configure(EntityTypeBuilder<NoteAmendment> builder)
    {
        builder.ToTable("NoteAmendments");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Body).HasMaxLength(SharedNote.BodyMaxLength);
        builder.Property(a => a.Reason).HasMaxLength(NoteAmendment.ReasonMaxLength);
        builder.HasOne<SharedNote>().WithMany().HasForeignKey(a => a.NoteId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => new { a.SessionId, a.CreatedAt });
    }
}

internal sealed class AnnotationConfiguration : IEntityTypeConfiguration<Annotation>
{
    public void Configure(EntityTypeBuilder<Annotation> builder)
    {
        builder.ToTable("NoteAnnotations");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Text).HasMaxLength(Annotation.TextMaxLength);
        builder.Property(a => a.Quote).HasMaxLength(Annotation.QuoteMaxLength);
        builder.Property(a => a.Stance).HasConversion<string>().HasMaxLength(20);
        builder.HasOne<SharedNote>().WithMany().HasForeignKey(a => a.NoteId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => new { a.SessionId, a.CreatedAt });
    }
}

internal sealed class ReflectionConfiguration : IEntityTypeConfiguration<Reflection>
{
    public void Configure(EntityTypeBuilder<Reflection> builder)
    {
        builder.ToTable("SessionReflections");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Text).HasMaxLength(Reflection.TextMaxLength);
        builder.HasOne<Session>().WithMany().HasForeignKey(r => r.SessionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => new { r.SessionId, r.CreatedAt });
    }
}

internal sealed class PrivateNoteConfiguration : IEntityTypeConfiguration<PrivateNote>
{
    public void Configure(EntityTypeBuilder<PrivateNote> builder)
    {
        // Its own table, apart from the record (psychotherapy notes are kept separate).
        builder.ToTable("PrivateProcessNotes");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Id).ValueGeneratedNever();
        builder.Property(n => n.Body).HasMaxLength(PrivateNote.BodyMaxLength);
        builder.Property(n => n.Version).IsConcurrencyToken();
        builder.HasOne<Session>().WithMany().HasForeignKey(n => n.SessionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(n => new { n.SessionId, n.AuthorId }).IsUnique();
    }
}

internal sealed class CalendarFeedTokenConfiguration : IEntityTypeConfiguration<CalendarFeedToken>
{
    public void Configure(EntityTypeBuilder<CalendarFeedToken> builder)
    {
        builder.ToTable("CalendarFeedTokens");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.TokenHash).HasMaxLength(64);
        builder.HasOne<TandemUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasIndex(t => new { t.UserId, t.RevokedAt });
    }
}
