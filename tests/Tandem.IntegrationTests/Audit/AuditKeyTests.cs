using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Audit;

/// <summary>
/// Issue 26, item 8: the audit chain is keyed (HMAC-SHA256, the key outside the database), so whoever can write the
/// database (its owner, or an editor of a stolen backup) cannot rewrite an entry and recompute the chain after it
/// unnoticed. Entries from before the key still verify; a wrong or missing key is reported, never taken as intact.
/// </summary>
public sealed class AuditKeyTests
{
    /// <summary>Another key than the test apps' own (Audit:ChainKey): 32 bytes, base64.</summary>
    private const string OtherKey = "c3RyYW5nZXJzLWtleS1ub3QtdGhlLXByYWN0aWNlcy0xMjM0NTY3OA==";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(TandemApp App, Guid Practice)> AppWithHistoryAsync(Dictionary<string, string?>? settings = null)
    {
        var app = await TandemApp.StartAsync(settings: settings);
        app.CheckAuditOnDispose = false; // rows are rewritten on purpose
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        for (var i = 0; i < 10; i++)
        {
            await sam.GetJsonAsync($"/api/engagements/{sams}/plan");
        }

        var practice = Guid.Empty;
        await app.WithDbAsync(async db => practice = (await db.Practices.SingleAsync(p => p.Name == "Riverside", Ct)).Id);
        return (app, practice);
    }

    private static async Task<AuditVerification> VerifyAsync(TandemApp app, Guid practice)
    {
        await using var scope = app.Service<IServiceScopeFactory>().CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(practice, Ct);
    }

    private static async Task<long> ScalarAsync(TandemApp app, string sql)
    {
        await using var connection = await app.OpenRawConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Task<(int ExitCode, string Output)> VerifyAuditCommandAsync(TandemApp app, params string[] settings) =>
        TandemProcess.RunCommandAsync(["verify-audit"], app.Database, app.DataFolder, Ct, settings);

    /// <summary>
    /// What today's code lets a database owner do: switch the append-only guard off, change an entry, and recompute
    /// every later SHA-256 (the canonical form is public, it ends with the previous hash) and the chain head.
    /// </summary>
    private static async Task RewriteChainAsync(TandemDbContext db, Guid practice, long fromSequence, bool asUnkeyed, string? newObjectId = null)
    {
        var postgres = db.Database.IsNpgsql();
        await (postgres
            ? db.Database.ExecuteSqlRawAsync("ALTER TABLE \"AuditEntries\" DISABLE TRIGGER USER", Ct)
            : db.Database.ExecuteSqlRawAsync("DROP TRIGGER \"AuditEntries_no_update\"; DROP TRIGGER \"AuditEntries_no_delete\";", Ct));
        if (newObjectId is not null)
        {
            await db.Database.ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"ObjectId\" = {newObjectId} WHERE \"PracticeId\" = {practice} AND \"Sequence\" = {fromSequence}", Ct);
        }

        var previous = fromSequence == 1 ? AuditEntry.Genesis
            : (await db.AuditEntries.AsNoTracking().SingleAsync(e => e.PracticeId == practice && e.Sequence == fromSequence - 1, Ct)).Hash;
        var ids = await db.AuditEntries.AsNoTracking().Where(e => e.PracticeId == practice && e.Sequence >= fromSequence)
            .OrderBy(e => e.Sequence).Select(e => e.Id).ToListAsync(Ct);
        foreach (var id in ids)
        {
            var entry = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Id == id, Ct);
            var canonical = entry.CanonicalForm();
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical[..^64] + previous)));
            await (asUnkeyed
                ? db.Database.ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"PreviousHash\" = {previous}, \"Hash\" = {hash}, \"KeyId\" = 'sha256' WHERE \"Id\" = {id}", Ct)
                : db.Database.ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"PreviousHash\" = {previous}, \"Hash\" = {hash} WHERE \"Id\" = {id}", Ct));
            previous = hash;
        }

        await db.Database.ExecuteSqlAsync($"UPDATE \"AuditChainHeads\" SET \"LastHash\" = {previous} WHERE \"PracticeId\" = {practice}", Ct);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_database_owner_who_rewrites_an_entry_and_recomputes_the_chain_after_it_is_found_at_that_entry(bool relabelledAsUnkeyed)
    {
        var (app, practice) = await AppWithHistoryAsync();
        await using var _ = app;
        long target = 0;
        await app.WithDbAsync(async db =>
        {
            var sequences = await db.AuditEntries.Where(e => e.PracticeId == practice).OrderBy(e => e.Sequence).Select(e => e.Sequence).ToListAsync(Ct);
            Assert.True(sequences.Count > 20);
            target = sequences[sequences.Count / 2];
            // Which record was read is changed, and the chain recomputed from there on.
            await RewriteChainAsync(db, practice, target, relabelledAsUnkeyed, newObjectId: "rewritten");
        }, asOwner: true);

        var result = await VerifyAsync(app, practice);
        Assert.False(result.Ok, "a chain rewritten by the database owner verified as intact");
        Assert.Equal(target, result.FirstBrokenAt!.Sequence);

        var (exit, output) = await VerifyAuditCommandAsync(app);
        Assert.True(exit == 1, $"verify-audit exited {exit}: {output}");
        Assert.Contains($"Practice {practice}: ", output, StringComparison.Ordinal);
        Assert.Contains($"first broken at entry {target}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_untouched_chain_verifies_with_its_key_and_older_keys_but_not_with_another_key_or_none()
    {
        var (app, practice) = await AppWithHistoryAsync();
        await using var _ = app;
        Assert.True((await VerifyAsync(app, practice)).Ok);

        var (exit, output) = await VerifyAuditCommandAsync(app);
        Assert.True(exit == 0, $"verify-audit with the key exited {exit}: {output}");
        Assert.Matches($"Practice {practice}: [0-9]+ entries checked.*intact", output);

        // After a rotation the old key verifies the entries it made.
        (exit, output) = await VerifyAuditCommandAsync(app, $"--Audit:ChainKey={OtherKey}", $"--Audit:PreviousChainKeys={TandemApp.AuditChainKey}");
        Assert.True(exit == 0, $"verify-audit after a rotation exited {exit}: {output}");

        // Another key cannot vouch for them.
        (exit, output) = await VerifyAuditCommandAsync(app, $"--Audit:ChainKey={OtherKey}");
        Assert.True(exit == 1, $"verify-audit with another key exited {exit}: {output}");
        Assert.Contains("first broken at entry 1", output, StringComparison.Ordinal);
        Assert.Contains("not configured", output, StringComparison.Ordinal);

        // No key at all in Production: one sentence naming the setting, no stack trace.
        (exit, output) = await VerifyAuditCommandAsync(app, "--Audit:ChainKey=");
        Assert.True(exit == 1, $"verify-audit without a key exited {exit}: {output}");
        Assert.Contains("Audit:ChainKeyFile is not set", output, StringComparison.Ordinal);
        Assert.Single(output.Trim().Split('\n'));

        // Nor does the app start without it.
        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => TandemProcess.StartAsync(app.Database, app.DataFolder, Ct,
            settings: [.. TandemProcess.SettingsFor(app.Database, app.DataFolder), "--Audit:ChainKey="]));
        Assert.Contains("Audit:ChainKeyFile is not set", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entries_from_before_the_key_still_verify_and_the_chain_goes_on_keyed_after_them()
    {
        var (app, practice) = await AppWithHistoryAsync();
        await using var _ = app;
        // A database from before this change: every entry a plain SHA-256, marked as such by the migration.
        await app.WithDbAsync(db => RewriteChainAsync(db, practice, 1, asUnkeyed: true), asOwner: true);
        Assert.True((await VerifyAsync(app, practice)).Ok);

        var sams = await Demo.SamsEngagementAsync(app);
        using (var sam = await app.ClientForAsync("sam@riverside.test"))
        {
            await sam.GetJsonAsync($"/api/engagements/{sams}/plan");
        }

        var result = await VerifyAsync(app, practice);
        Assert.True(result.Ok, $"broken at {result.FirstBrokenAt}");
        // The old entries unkeyed, the new ones keyed (the other demo practice's entries too).
        Assert.Equal(2L, await ScalarAsync(app, "SELECT COUNT(DISTINCT \"KeyId\") FROM \"AuditEntries\""));
        Assert.True(await ScalarAsync(app, "SELECT COUNT(*) FROM \"AuditEntries\" WHERE \"KeyId\" = 'sha256'") > 20);

        var (exit, output) = await VerifyAuditCommandAsync(app);
        Assert.True(exit == 0, $"verify-audit exited {exit}: {output}");
        Assert.Contains("unkeyed from before the audit key", output, StringComparison.Ordinal);

        // An installation that was keyed from its first entry may say so: then an unkeyed entry is a break.
        (exit, output) = await VerifyAuditCommandAsync(app, "--Audit:RequireKeyedChain=true");
        Assert.True(exit == 1, $"verify-audit requiring keyed entries exited {exit}: {output}");
        Assert.Contains($"Practice {practice}: ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_production_without_a_key_one_is_made_once_in_the_data_folder_readable_by_its_owner_only()
    {
        // The copied demo entries were made with the test key; it stays as an older key.
        var (app, practice) = await AppWithHistoryAsync(new() { ["Audit:ChainKey"] = "", ["Audit:PreviousChainKeys"] = TandemApp.AuditChainKey });
        await using var _ = app;
        var file = Path.Combine(app.DataFolder, "audit-chain.key");
        Assert.True(File.Exists(file), $"no key was made at {file}");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        Assert.True((await VerifyAsync(app, practice)).Ok);
        // The demo's entries with the test key, the new ones with the key made here.
        Assert.Equal(2L, await ScalarAsync(app, "SELECT COUNT(DISTINCT \"KeyId\") FROM \"AuditEntries\""));
    }
}
