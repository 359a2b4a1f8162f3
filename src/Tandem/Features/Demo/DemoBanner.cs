using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Demo;

/// <summary>What the sign-in page shows when this installation runs the demo practices.</summary>
public sealed class DemoBanner(TandemDbContext db, IConfiguration config)
{
    public IReadOnlyList<DemoAccounts.Person>? Accounts { get; private set; }

    public string Password => config["Demo:Password"] is { Length: > 0 } p ? p : DemoAccounts.DefaultPassword;

    public async Task LoadAsync(CancellationToken ct = default)
    {
        bool isDemo;
        using (db.Tenant.AsSystem())
        {
            isDemo = await db.Practices.AnyAsync(p => p.IsDemo, ct);
        }

        Accounts = isDemo ? DemoAccounts.People : null;
    }
}
