namespace Tandem.Features.Audit;

/// <summary>
/// `dotnet Tandem.dll verify-audit`: checks every practice's chain with the audit chain key, prints per practice the
/// entries checked and the first broken entry, and exits 0 (all intact) or 1 (a break, or an entry whose key is missing).
/// </summary>
public static class AuditCommand
{
    public static async Task<int> RunAsync(IServiceProvider services)
    {
        await Data.DatabaseSetup.PrepareTandemDatabaseAsync(services);
        await using var scope = services.CreateAsyncScope();
        var keys = scope.ServiceProvider.GetRequiredService<AuditChainKeys>();
        var result = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync();
        Console.WriteLine($"Audit chain key {keys.CurrentId} (from {keys.Source}){(keys.KnownIds.Count > 1 ? $", older keys {string.Join(", ", keys.KnownIds.Skip(1))}" : "")}.");
        foreach (var chain in result.Chains)
        {
            Console.WriteLine(Describe(chain));
        }

        if (result.Ok)
        {
            Console.WriteLine($"Audit chain intact: {result.Entries} entries verified in {result.Chains.Count} practice chain(s).");
            return 0;
        }

        var broken = result.FirstBrokenAt!;
        Console.WriteLine($"Audit chain BROKEN in practice {broken.PracticeId} at entry {broken.Sequence}: {broken.Reason}. {result.Entries} entries read.");
        return 1;
    }

    public static string Describe(ChainReport chain)
    {
        var kinds = chain.Unkeyed > 0
            ? $" ({chain.Unkeyed} unkeyed from before the audit key, {chain.Keyed} keyed{(chain.KeyIds.Count > 0 ? " with " + string.Join(", ", chain.KeyIds) : "")})"
            : chain.KeyIds.Count > 0 ? $" (keyed with {string.Join(", ", chain.KeyIds)})" : "";
        return chain.Broken is { } broken
            ? $"Practice {chain.PracticeId}: {chain.Entries} entries checked{kinds}, first broken at entry {broken.Sequence}: {broken.Reason}."
            : $"Practice {chain.PracticeId}: {chain.Entries} entries checked{kinds}, intact.";
    }
}
