using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using Tandem.Features.Audit;

namespace Tandem.Data;

/// <summary>
/// `backup &lt;file&gt;` and `restore &lt;file&gt;` (QUALITY.md R5). SQLite: SQLite's online backup API,
/// a consistent copy taken while Tandem runs. PostgreSQL: pg_dump's custom format and
/// pg_restore (both must be on PATH or in /usr/lib/postgresql/*/bin). A restore goes only into
/// an empty database (a missing SQLite file, or a PostgreSQL database without tables), with
/// Tandem stopped; afterwards the migrations are applied and the audit chains verified.
/// </summary>
public static class BackupCommand
{
    /// <summary>The command and its file, taken off the arguments before the host reads them (a path like /x/y would read as a setting).</summary>
    public static (string? Command, string? File, string[] HostArgs) Parse(string[] args)
    {
        if (args is [("backup" or "restore") and var command, ..])
        {
            var file = args.Length > 1 && !args[1].StartsWith('-') ? args[1] : null;
            return (command, file, args[(file is null ? 1 : 2)..]);
        }

        return (null, null, args);
    }

    public static async Task<int> RunAsync(IServiceProvider services, string command, string? file)
    {
        if (string.IsNullOrWhiteSpace(file))
        {
            Console.Error.WriteLine($"Usage: Tandem {command} <file> [--Database:Provider=... settings]");
            return 2;
        }

        var path = Path.GetFullPath(file);
        var settings = services.GetRequiredService<DatabaseSettings>();
        try
        {
            return command == "backup" ? await BackupAsync(settings, path) : await RestoreAsync(services, settings, path);
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
    }

    private static async Task<int> BackupAsync(DatabaseSettings settings, string path)
    {
        if (File.Exists(path))
        {
            throw new InvalidOperationException($"{path} already exists: a backup never overwrites a file.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            await using var source = new SqliteConnection(settings.ConnectionString);
            await source.OpenAsync();
            await using (var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
            {
                await target.OpenAsync();
                source.BackupDatabase(target);
            }

            var check = await IntegrityAsync(path);
            if (check != "ok")
            {
                File.Delete(path);
                throw new InvalidOperationException($"The backup did not pass SQLite's integrity check ({check}); nothing was kept.");
            }
        }
        else
        {
            // Through the owner (ConnectionStrings:Migrations, else the app's own role) in system scope: row-level
            // security then lets every practice's rows through, as it must for a whole copy.
            await PgToolAsync("pg_dump", settings.MigrationsConnectionString, ["--format=custom", "--no-owner", "--no-privileges", "--enable-row-security", $"--file={path}"]);
        }

        Console.WriteLine($"Backed up the {settings.Provider} database to {path} ({new FileInfo(path).Length:N0} bytes).");
        return 0;
    }

    private static async Task<int> RestoreAsync(IServiceProvider services, DatabaseSettings settings, string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} does not exist.");
        }

        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            var target = new SqliteConnectionStringBuilder(settings.ConnectionString).DataSource;
            if (File.Exists(target) && new FileInfo(target).Length > 0)
            {
                throw new InvalidOperationException($"{target} exists: restore goes only into an empty place. Stop Tandem and move the database (with its -wal and -shm files) away first.");
            }

            // A write-ahead log left beside a missing database belongs to another file: never apply it to the restored one.
            foreach (var leftover in new[] { target, target + "-wal", target + "-shm", target + "-journal" })
            {
                File.Delete(leftover);
            }

            if (await IntegrityAsync(path) != "ok")
            {
                throw new InvalidOperationException($"{path} is not an intact SQLite database.");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await using (var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
            await using (var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target, Pooling = false }.ToString()))
            {
                await source.OpenAsync();
                await destination.OpenAsync();
                source.BackupDatabase(destination);
            }
        }
        else
        {
            // Restoring creates the tables: the owner's work (ConnectionStrings:Migrations); the grants follow with the migrations below.
            await using (var connection = new NpgsqlConnection(settings.MigrationsConnectionString))
            {
                await connection.OpenAsync();
                await using var count = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", connection);
                if ((long)(await count.ExecuteScalarAsync())! > 0)
                {
                    throw new InvalidOperationException($"Database {connection.Database} has tables: restore goes only into an empty database. Create a new one (or drop and recreate this one) first.");
                }
            }

            NpgsqlConnection.ClearAllPools();
            await PgToolAsync("pg_restore", settings.MigrationsConnectionString, ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", path]);
        }

        // The restored database is brought to this version's schema, then its audit chains are checked.
        await services.MigrateTandemDatabaseAsync();
        if (settings.Provider == DatabaseProvider.Postgres)
        {
            // pg_restore brings no planner statistics: until autovacuum gathers them, a query may take a plan a thousand
            // times slower (an outcome report took seconds instead of milliseconds). Gathered now, before anyone uses it.
            await using var connection = new NpgsqlConnection(settings.MigrationsConnectionString);
            await connection.OpenAsync();
            await using var analyze = new NpgsqlCommand("ANALYZE", connection) { CommandTimeout = 0 };
            await analyze.ExecuteNonQueryAsync();
        }

        await using var scope = services.CreateAsyncScope();
        var verification = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync();
        if (!verification.Ok)
        {
            var broken = verification.FirstBrokenAt!;
            Console.WriteLine($"Restored from {path}, but the audit chain is BROKEN in practice {broken.PracticeId} at entry {broken.Sequence}: {broken.Reason}.");
            return 1;
        }

        Console.WriteLine($"Restored the {settings.Provider} database from {path}. Audit chain intact: {verification.Entries} entries verified.");
        return 0;
    }

    private static async Task<string> IntegrityAsync(string path)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check;";
        return (await command.ExecuteScalarAsync()) as string ?? "no answer";
    }

    /// <summary>Runs pg_dump or pg_restore against the configured database (password through PGPASSWORD, never the command line), in system scope.</summary>
    private static async Task PgToolAsync(string tool, string connectionString, IEnumerable<string> args)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        var info = new ProcessStartInfo(FindPgTool(tool)) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { $"--host={cs.Host}", $"--port={cs.Port}", $"--username={cs.Username}", $"--dbname={cs.Database}", "--no-password" }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        if (!string.IsNullOrEmpty(cs.Password))
        {
            info.Environment["PGPASSWORD"] = cs.Password;
        }

        info.Environment["PGOPTIONS"] = "-c tandem.system=on";

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} could not be started.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed with exit code {process.ExitCode}: {(await stderr).Trim()} {(await stdout).Trim()}");
        }
    }

    private static string FindPgTool(string tool)
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", tool)).Where(File.Exists)
                .OrderByDescending(p => int.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(p))), out var v) ? v : 0).FirstOrDefault()
            : null;
        return installed ?? throw new InvalidOperationException($"{tool} was not found on PATH or in /usr/lib/postgresql/*/bin: install PostgreSQL's client tools (Debian: postgresql-client).");
    }
}
