namespace Tandem.Data;

/// <summary>
/// `dotnet Tandem.dll migrate` (or `dotnet run --project src/Tandem -- migrate`): applies the migrations
/// the database lacks, through ConnectionStrings:Migrations (the owner) on PostgreSQL, grants the runtime
/// role its rights, prints one line of what it did and exits 0; on failure one line and exit 1.
/// </summary>
public static class MigrateCommand
{
    public static async Task<int> RunAsync(IServiceProvider services)
    {
        var settings = services.GetRequiredService<DatabaseSettings>();
        try
        {
            var outcome = await services.MigrateTandemDatabaseAsync();
            var what = outcome.Applied.Count == 0
                ? $"The {settings.Provider} database is up to date (at {outcome.Latest}); no migration to apply."
                : $"Applied {outcome.Applied.Count} migration(s) to the {settings.Provider} database; it is now at {outcome.Latest}.";
            var grants = outcome.RuntimeRoleGranted is { } role
                ? $" Runtime role \"{role}\" may read and write, and cannot alter or drop tables or switch the audit triggers off."
                : "";
            Console.WriteLine(what + grants);
            return 0;
        }
#pragma warning disable CA1031 // an operator's command: any failure is one clear line and exit code 1
        catch (Exception e)
#pragma warning restore CA1031
        {
            Console.Error.WriteLine($"Migration failed: {e.GetBaseException().Message}");
            return 1;
        }
    }
}
