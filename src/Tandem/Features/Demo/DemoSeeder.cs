using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Practices;

namespace Tandem.Features.Demo;

/// <summary>A later feature adds its demo history by registering a step; steps run in Order after the people exist.</summary>
public interface IDemoSeedStep
{
    int Order { get; }

    Task SeedAsync(DemoContext demo, CancellationToken ct);
}

/// <summary>What the steps get: the practices and people by key, and the clock.</summary>
public sealed class DemoContext(TandemDbContext db, IReadOnlyDictionary<string, Practice> practices, IReadOnlyDictionary<string, TandemUser> people, DateTimeOffset now)
{
    public TandemDbContext Db { get; } = db;

    public IReadOnlyDictionary<string, Practice> Practices { get; } = practices;

    public IReadOnlyDictionary<string, TandemUser> People { get; } = people;

    public DateTimeOffset Now { get; } = now;

    /// <summary>Demo engagements by key (sam, jordan, casey, couple, kim), for later steps.</summary>
    public Dictionary<string, Guid> EngagementIds { get; } = [];
}

public sealed class DemoSeeder(
    TandemDbContext db,
    UserManager<TandemUser> users,
    IPasswordHasher<TandemUser> hasher,
    TimeProvider time,
    IConfiguration config,
    IEnumerable<IDemoSeedStep> steps,
    SetupState setup,
    ILogger<DemoSeeder> logger)
{
    public string Password => config["Demo:Password"] is { Length: > 0 } p ? p : DemoAccounts.DefaultPassword;

    /// <summary>Seeds only an empty database; returns whether it did.</summary>
    public async Task<bool> SeedIfEmptyAsync(CancellationToken ct = default)
    {
        using var system = db.Tenant.AsSystem();
        if (await db.Practices.AnyAsync(ct))
        {
            return false;
        }

        var now = time.GetUtcNow();
        var practices = new[] { DemoAccounts.Riverside, DemoAccounts.Harbor }
            .ToDictionary(n => n, n => Practice.Create(n, DemoAccounts.PracticeTimeZone(n), now, isDemo: true));
        db.Practices.AddRange(practices.Values);
        await db.SaveChangesAsync(ct);

        // One hash for all demo people: PBKDF2 at 210,000 rounds is deliberately slow.
        var hash = hasher.HashPassword(new TandemUser(), Password);
        var people = new Dictionary<string, TandemUser>();
        foreach (var person in DemoAccounts.People)
        {
            var user = TandemUser.Create(practices[person.Practice].Id, person.Email, person.DisplayName, person.Role, person.TimeZone, now);
            user.UpdateProfile(person.DisplayName, person.Pronouns, person.TimeZone);
            user.PasswordHash = hash;
            var result = await users.CreateAsync(user);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"Demo account {person.Email}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
            }

            people[person.Key] = user;
        }

        var context = new DemoContext(db, practices, people, now);
        foreach (var step in steps.OrderBy(s => s.Order))
        {
            await step.SeedAsync(context, ct);
        }

        setup.MarkComplete();
        logger.LogInformation("Demo data seeded: {Practices} practices, {People} people", practices.Count, people.Count);
        return true;
    }
}
