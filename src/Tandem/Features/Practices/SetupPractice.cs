using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Infrastructure.Errors;

namespace Tandem.Features.Practices;

/// <summary>First run: creates the practice and its administrator. Refused once any practice exists.</summary>
public sealed record SetupPracticeCommand(string PracticeName, string TimeZone, string AdminName, string AdminEmail, string AdminPassword, string? SetupCode);

public sealed partial class SetupPractice(TandemDbContext db, UserManager<TandemUser> users, TimeProvider time, SetupState state, SetupCode code, ILogger<SetupPractice> logger)
{
    public const string WrongCode = "That is not this server's setup code. It is in the server's log from when Tandem started (or in the Tandem:SetupCode setting).";

    public async Task<TandemUser> HandleAsync(SetupPracticeCommand command, CancellationToken ct = default)
    {
        using var system = db.Tenant.AsSystem();
        if (await db.Practices.AnyAsync(ct))
        {
            throw new DomainException("Tandem is already set up.", DomainError.NotFound);
        }

        // Before anything else: without the code, nothing is checked, created or said about the rest of the form.
        if (!code.Matches(command.SetupCode))
        {
            WrongCodeTried(logger);
            throw new DomainException(WrongCode, DomainError.Invalid, new Dictionary<string, string[]> { ["setupCode"] = [WrongCode] });
        }

        var now = time.GetUtcNow();
        var practice = Practice.Create(command.PracticeName, command.TimeZone, now);
        var admin = TandemUser.Create(practice.Id, command.AdminEmail, command.AdminName, PersonRole.PracticeAdmin, command.TimeZone, now);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Practices.Add(practice);
        await db.SaveChangesAsync(ct);
        var created = await users.CreateAsync(admin, command.AdminPassword ?? "");
        if (!created.Succeeded)
        {
            throw new DomainException("The administrator account could not be created.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["adminPassword"] = created.Errors.Select(e => e.Description).ToArray() });
        }

        await tx.CommitAsync(ct);
        state.MarkComplete();
        return admin;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "First-run setup was tried with a wrong setup code")]
    private static partial void WrongCodeTried(ILogger logger);
}
