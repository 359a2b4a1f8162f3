using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Mail;
using Tandem.Infrastructure.Security;
using Tandem.Infrastructure.Text;
using Tandem.Features.Accounts;

namespace Tandem.Features.Agreements;

public sealed record SignatureView(Guid UserId, string DisplayName, string Role, DateTimeOffset SignedAt);

public sealed record AgreementView(
    Guid EngagementId,
    int Version,
    string VersionHash,
    string Text,
    string Html,
    IReadOnlyList<SignatureView> Signatures,
    IReadOnlyList<string> WaitingFor,
    bool SignedByMe,
    bool AllClientsSigned);

/// <summary>The collaboration agreement of an engagement: read, sign, withdraw.</summary>
public sealed class AgreementUseCases(
    TandemDbContext db,
    EngagementAccess access,
    CurrentUser me,
    AuditTrail audit,
    TimeProvider time,
    SafeMarkdown markdown,
    MailOutbox mail,
    LinkBuilder links,
    IHttpContextAccessor http)
{
    public async Task<AgreementView> GetAsync(Guid engagementId, CancellationToken ct = default)
    {
        var engagement = await access.RequireReaderAsync(engagementId, "Agreement", ct);
        var view = await ViewAsync(engagement, ct);
        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = "Agreement",
            ObjectId = engagementId.ToString(),
            EngagementId = engagementId,
            DataCategory = AuditCategories.Clinical,
        }, ct);
        return view;
    }

    public async Task<AgreementView> SignAsync(Guid engagementId, CancellationToken ct = default)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, "Agreement", ct);
        engagement.EnsureNotEnded();
        var version = await CurrentVersionAsync(engagement.PracticeId, ct);
        var existing = await db.AgreementSignatures.FirstOrDefaultAsync(
            s => s.EngagementId == engagementId && s.UserId == me.Id && s.AgreementVersionId == version.Id && s.WithdrawnAt == null, ct);
        if (existing is null)
        {
            var signature = AgreementSignature.Sign(engagement, me.Id, version, http.HttpContext?.Connection.RemoteIpAddress?.ToString(), time.GetUtcNow());
            db.AgreementSignatures.Add(signature);
            await RecomputeAsync(engagement, version, signature, ct);
            audit.Stage(new AuditEvent
            {
                Action = AuditAction.Create,
                ObjectType = "AgreementSignature",
                ObjectId = signature.Id.ToString(),
                EngagementId = engagementId,
                DataCategory = AuditCategories.Clinical,
            });
            await db.SaveChangesAsync(ct);
        }
        else
        {
            // Signed already: nothing changes, but the answer shows the agreement, a read like GetAsync's (QUALITY.md R4).
            await audit.RecordAsync(new AuditEvent
            {
                Action = AuditAction.Read,
                ObjectType = "Agreement",
                ObjectId = engagementId.ToString(),
                EngagementId = engagementId,
                DataCategory = AuditCategories.Clinical,
            }, ct);
        }

        return await ViewAsync(engagement, ct);
    }

    /// <summary>A participant takes back their signature: the work pauses and the therapists are told.</summary>
    public async Task<AgreementView> WithdrawAsync(Guid engagementId, CancellationToken ct = default)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, "Agreement", ct);
        engagement.EnsureNotEnded();
        var mine = await db.AgreementSignatures
            .Where(s => s.EngagementId == engagementId && s.UserId == me.Id && s.WithdrawnAt == null)
            .ToListAsync(ct);
        if (mine.Count == 0)
        {
            throw new DomainException("You have not signed the agreement, so there is nothing to withdraw.", DomainError.Conflict);
        }

        var now = time.GetUtcNow();
        foreach (var signature in mine)
        {
            signature.Withdraw(now);
            audit.Stage(new AuditEvent
            {
                Action = AuditAction.Update,
                ObjectType = "AgreementSignature",
                ObjectId = signature.Id.ToString(),
                EngagementId = engagementId,
                DataCategory = AuditCategories.Clinical,
            });
        }

        engagement.PauseForWithdrawal();
        var therapistIds = engagement.Therapists.Select(t => t.UserId).Where(id => id != me.Id).ToList();
        var therapists = await db.Users.Where(u => therapistIds.Contains(u.Id)).Select(u => u.Email!).ToListAsync(ct);
        foreach (var email in therapists)
        {
            mail.Enqueue(engagement.PracticeId, email, "An engagement in Tandem is paused",
                $"A participant has withdrawn their agreement, so one of your engagements in Tandem is paused.\n\nOpen Tandem to see which one: {links.Engagement(engagement.Id)}\n",
                "agreement-withdrawn");
        }

        await db.SaveChangesAsync(ct);
        return await ViewAsync(engagement, ct);
    }

    /// <summary>The agreement in force for a practice; the shipped default becomes version 1 on first use.</summary>
    public async Task<AgreementVersion> CurrentVersionAsync(Guid practiceId, CancellationToken ct)
    {
        var current = await db.AgreementVersions.Where(v => v.PracticeId == practiceId).OrderByDescending(v => v.Number).FirstOrDefaultAsync(ct);
        if (current is not null)
        {
            return current;
        }

        current = AgreementVersion.Publish(practiceId, 1, DefaultAgreement.Text, time.GetUtcNow());
        db.AgreementVersions.Add(current);
        return current;
    }

    private async Task RecomputeAsync(Engagement engagement, AgreementVersion version, AgreementSignature? pending, CancellationToken ct)
    {
        var signedUsers = await db.AgreementSignatures
            .Where(s => s.EngagementId == engagement.Id && s.AgreementVersionId == version.Id && s.WithdrawnAt == null)
            .Select(s => s.UserId)
            .ToListAsync(ct);
        if (pending is not null)
        {
            signedUsers.Add(pending.UserId);
        }

        engagement.AgreementStateChanged(engagement.Clients.All(c => signedUsers.Contains(c.UserId)));
    }

    private async Task<AgreementView> ViewAsync(Engagement engagement, CancellationToken ct)
    {
        var version = await CurrentVersionAsync(engagement.PracticeId, ct);
        if (db.Entry(version).State == EntityState.Added)
        {
            await db.SaveChangesAsync(ct);
        }

        var participantIds = engagement.ActiveParticipants.Select(p => p.UserId).ToList();
        var names = await db.DisplayNamesAsync(participantIds, ct);
        var signatures = await db.AgreementSignatures.AsNoTracking()
            .Where(s => s.EngagementId == engagement.Id && s.AgreementVersionId == version.Id && s.WithdrawnAt == null)
            .OrderBy(s => s.SignedAt)
            .ToListAsync(ct);
        var signedIds = signatures.Select(s => s.UserId).ToHashSet();
        return new AgreementView(
            engagement.Id,
            version.Number,
            version.Hash,
            version.Text,
            markdown.DocumentToHtml(version.Text),
            signatures.Where(s => participantIds.Contains(s.UserId))
                .Select(s => new SignatureView(s.UserId, names.GetValueOrDefault(s.UserId, "Former member"), engagement.ParticipantFor(s.UserId)?.Role.ToString() ?? "", s.SignedAt))
                .ToList(),
            engagement.ActiveParticipants.Where(p => !signedIds.Contains(p.UserId)).Select(p => names.GetValueOrDefault(p.UserId, "")).ToList(),
            signedIds.Contains(me.Id),
            engagement.AllClientsSigned);
    }
}

public static class DefaultAgreement
{
    private static readonly Lazy<string> Content = new(() =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Resources", "collaboration-agreement.md")).Replace("\r\n", "\n", StringComparison.Ordinal));

    public static string Text => Content.Value;
}
