using System.Threading.Channels;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Mail;
using Tandem.Infrastructure.Security;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Accounts;

/// <summary>A request for a reset link, handled after the answer has gone (see <see cref="PasswordReset.RequestAsync"/>).</summary>
public sealed record PasswordResetJob(string Email);

/// <summary>Requests waiting for <see cref="PasswordResetMailer"/>. Bounded: a flood drops requests instead of memory.</summary>
public sealed class PasswordResetRequests
{
    private readonly Channel<PasswordResetJob> _channel = Channel.CreateBounded<PasswordResetJob>(new BoundedChannelOptions(1000)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    public ChannelReader<PasswordResetJob> Reader => _channel.Reader;

    public void Enqueue(PasswordResetJob job) => _channel.Writer.TryWrite(job);
}

/// <summary>
/// Password recovery (issue 26, item 3). Asking for a link answers 202 after the same work whatever
/// the address (QUALITY.md S8): the request is audited and queued, and <see cref="PasswordResetMailer"/>
/// looks the account up afterwards, so neither the answer nor its time says whether an account exists.
/// The emailed link works once and for an hour (<see cref="PasswordResetTokenProvider"/>); setting the
/// new password ends every other session and token (a new security stamp) and emails a notice.
/// Passkeys and two-factor sign-in stay as they were. The practice admin can send a link from People.
/// </summary>
public sealed class PasswordReset(
    UserManager<TandemUser> users,
    TandemDbContext db,
    TenantContext tenant,
    AuditTrail audit,
    PasswordResetRequests queue,
    MailOutbox mail,
    LinkBuilder links,
    TimeProvider time,
    CurrentUser me)
{
    public const string InvalidLink = "This reset link is not valid or has expired. Ask for a new one.";

    /// <summary>At most one reset email per account in this time, however often it is asked for.</summary>
    public static readonly TimeSpan MailInterval = TimeSpan.FromMinutes(2);

    public async Task RequestAsync(string email, CancellationToken ct = default)
    {
        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Execute,
            ObjectType = "PasswordReset",
            ObjectId = "requested",
            DataCategory = AuditCategories.Security,
            Purpose = AuditPurposes.AccessControl,
        }, ct);
        queue.Enqueue(new PasswordResetJob((email ?? "").Trim()));
    }

    /// <summary>The practice admin sends a link to a person of their practice (anyone else is not found).</summary>
    public async Task SendForAsync(Guid userId, CancellationToken ct = default)
    {
        if (!me.IsAdmin)
        {
            throw DomainException.NotFound();
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct) ?? throw DomainException.NotFound();
        if (!user.IsActive)
        {
            throw new DomainException("This account is deactivated. Reactivate it first.", DomainError.Conflict);
        }

        audit.Stage(new AuditEvent
        {
            Action = AuditAction.Execute,
            ObjectType = "PasswordReset",
            ObjectId = "sent-by-admin",
            SubjectUserId = user.Id,
            DataCategory = AuditCategories.Security,
            Purpose = AuditPurposes.Administration,
        });
        await QueueMailAsync(user, "Your practice sent you this link", ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Run by <see cref="PasswordResetMailer"/> for each request: only an active account gets an email.</summary>
    internal async Task SendIfAccountAsync(PasswordResetJob job, CancellationToken ct)
    {
        using var system = tenant.AsSystem();
        var user = await users.FindByEmailAsync(job.Email);
        if (user is not { IsActive: true, Email: not null })
        {
            return;
        }

        if (await QueueMailAsync(user, "Someone (we hope you) asked", ct))
        {
            // In the practice's security log (never in the answer to the request): a link went to this account.
            audit.Stage(new AuditEvent
            {
                Action = AuditAction.Execute,
                ObjectType = "PasswordReset",
                ObjectId = "emailed",
                SubjectUserId = user.Id,
                PracticeId = user.PracticeId,
                DataCategory = AuditCategories.Security,
                Purpose = AuditPurposes.AccessControl,
            });
            await db.SaveChangesAsync(ct);
        }
    }

    public async Task ConfirmAsync(string email, string token, string newPassword, CancellationToken ct = default)
    {
        using var system = tenant.AsSystem();
        var user = await users.FindByEmailAsync((email ?? "").Trim());
        if (user is not { IsActive: true }
            || !await users.VerifyUserTokenAsync(user, users.Options.Tokens.PasswordResetTokenProvider, UserManager<TandemUser>.ResetPasswordTokenPurpose, token ?? ""))
        {
            await RecordAsync(user, AuditOutcome.Refused, "refused", ct);
            throw new DomainException(InvalidLink, DomainError.BadRequest);
        }

        // Password rules first: a refused password leaves the link usable. The new security stamp ends every session (AccountStatusInvalidator).
        var result = await users.ResetPasswordAsync(user, token!, newPassword ?? "");
        if (!result.Succeeded)
        {
            throw new DomainException("The new password could not be set.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["newPassword"] = [.. result.Errors.Select(e => e.Description)] });
        }

        await RecordAsync(user, AuditOutcome.Success, "completed", ct);
        mail.Enqueue(user.PracticeId, user.Email!, "Your Tandem password was changed",
            "Hello,\n\nThe password of your Tandem account was just changed with a reset link, and every place you were signed in was signed out.\n\n" +
            "If it was you, there is nothing else to do. If it was not, ask for a new reset link at once and tell your practice:\n" +
            $"{links.Base}/Account/ForgotPassword\n", "password-changed");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Queues the link through the outbox, unless one went to this account in the last <see cref="MailInterval"/> (then false).</summary>
    private async Task<bool> QueueMailAsync(TandemUser user, string who, CancellationToken ct)
    {
        var since = time.GetUtcNow() - MailInterval;
        if (await db.Set<OutboxMessage>().AnyAsync(m => m.To == user.Email && m.Kind == "password-reset" && m.CreatedAt > since, ct))
        {
            return false;
        }

        var token = await users.GeneratePasswordResetTokenAsync(user);
        var link = $"{links.Base}/Account/ResetPassword?email={Uri.EscapeDataString(user.Email!)}&token={Uri.EscapeDataString(token)}";
        mail.Enqueue(user.PracticeId, user.Email!, "Choose a new password for Tandem",
            $"Hello,\n\n{who} to choose a new password for your Tandem account. Open this link within an hour; it works once:\n{link}\n\n" +
            "Your passkeys and two-factor sign-in stay as they are. If you did not ask for this, ignore this email: your password stays as it is.\n",
            "password-reset");
        return true;
    }

    private Task RecordAsync(TandemUser? user, AuditOutcome outcome, string what, CancellationToken ct) => audit.RecordAsync(new AuditEvent
    {
        Action = AuditAction.Update,
        ObjectType = "PasswordReset",
        ObjectId = what,
        SubjectUserId = user?.Id,
        PracticeId = user?.PracticeId ?? Guid.Empty,
        DataCategory = AuditCategories.Security,
        Purpose = AuditPurposes.AccessControl,
        Outcome = outcome,
    }, ct);
}

/// <summary>Sends the reset links asked for, one request at a time, after the answers have gone.</summary>
internal sealed partial class PasswordResetMailer(PasswordResetRequests queue, IServiceScopeFactory scopes, ILogger<PasswordResetMailer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var job in queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<PasswordReset>().SendIfAccountAsync(job, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Failed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A password reset link could not be prepared")]
    private static partial void Failed(ILogger logger, Exception exception);
}
