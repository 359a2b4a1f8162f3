namespace Tandem.Features.Audit;

/// <summary>`dotnet run --project src/Tandem -- verify-audit`: checks every chain and exits 0 (intact) or 1 (broken).</summary>
public static class AuditCommand
{
    public static async Task<int> RunAsync(IServiceProvider services)
    {
        await Data.DatabaseSetup.PrepareTandemDatabaseAsync(services);
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync();
        if (result.Ok)
        {
            Console.WriteLine($"Audit chain intact: {result.Entries} entries verified.");
            return 0;
        }

        var broken = result.FirstBrokenAt!;
        Console.WriteLine($"Audit chain BROKEN in practice {broken.PracticeId} at entry {broken.Sequence}: {broken.Reason}. {result.Entries} entries read.");
        return 1;
    }
}
