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
        if (services.GetRequiredService<IConfiguration>()["heads"] is { Length: > 0 } headsFile)
        {
            // `--heads <file>`: an exported heads file (audit-heads) must still be in the chains, unchanged.
            IReadOnlyList<BrokenLink> gone;
            try
            {
                gone = await scope.ServiceProvider.GetRequiredService<AuditHeads>().CheckAsync(await File.ReadAllLinesAsync(headsFile));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                Console.WriteLine($"Audit heads file {headsFile} cannot be checked: {e.Message}");
                return 1;
            }

            result = Merge(result, gone);
            Console.WriteLine($"Checked the heads exported in {headsFile}: {(gone.Count == 0 ? "all present and unchanged" : $"{gone.Count} missing or changed")}.");
        }

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

    /// <summary>`audit-heads`: prints each practice's newest sequence and hash, signed with the audit chain key, to ship elsewhere.</summary>
    public static async Task<int> ExportHeadsAsync(IServiceProvider services)
    {
        await Data.DatabaseSetup.PrepareTandemDatabaseAsync(services);
        await using var scope = services.CreateAsyncScope();
        foreach (var line in await scope.ServiceProvider.GetRequiredService<AuditHeads>().ExportAsync())
        {
            Console.WriteLine(line);
        }

        return 0;
    }

    /// <summary>A head missing from its chain is that chain's break, unless the chain broke earlier.</summary>
    private static AuditVerification Merge(AuditVerification result, IReadOnlyList<BrokenLink> gone)
    {
        if (gone.Count == 0)
        {
            return result;
        }

        var chains = result.Chains.ToList();
        foreach (var link in gone)
        {
            var at = chains.FindIndex(c => c.PracticeId == link.PracticeId);
            if (at < 0)
            {
                chains.Add(new ChainReport(link.PracticeId, 0, 0, 0, [], link));
            }
            else if (chains[at].Broken is null || chains[at].Broken!.Sequence > link.Sequence)
            {
                chains[at] = chains[at] with { Broken = link };
            }
        }

        var first = chains.Select(c => c.Broken).First(b => b is not null);
        return new AuditVerification(false, result.Entries, first, chains);
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
