using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Tandem.IntegrationTests.Support;

/// <summary>
/// Every row of every table of the app's model (but the audit trail, which records refusals by
/// design), reduced to one hash per row: whether refused requests changed anything at all.
/// </summary>
public sealed class DatabaseSnapshot
{
    /// <summary>The audit trail: its entries, the chain heads they move and the reads' hourly counts. A refused request may write these.</summary>
    public static readonly IReadOnlySet<string> AuditTables = new HashSet<string>(["AuditEntries", "AuditListReads", "AuditChainHeads", "AccessReadCounts"], StringComparer.Ordinal);

    private readonly Dictionary<string, HashSet<string>> _rows;

    private DatabaseSnapshot(Dictionary<string, HashSet<string>> rows) => _rows = rows;

    public static async Task<DatabaseSnapshot> TakeAsync(TandemApp app)
    {
        var rows = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        await app.WithDbAsync(async db =>
        {
            var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct().Where(t => !AuditTables.Contains(t)).ToList();
            // Raw SQL sees what the app stored, past row-level security.
            await using var connection = await app.OpenRawConnectionAsync();
            foreach (var table in tables)
            {
                await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // table names come from the app's own model
                command.CommandText = $"SELECT * FROM \"{table}\"";
#pragma warning restore CA2100
                await using var reader = await command.ExecuteReaderAsync();
                var set = new HashSet<string>(StringComparer.Ordinal);
                while (await reader.ReadAsync())
                {
                    var text = new StringBuilder();
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        var value = reader.GetValue(i);
                        text.Append(reader.GetName(i)).Append('=').Append(value is byte[] b ? Convert.ToHexString(b) : Convert.ToString(value, CultureInfo.InvariantCulture)).Append('|');
                    }

                    set.Add(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))));
                }

                rows[table] = set;
            }
        });
        return new DatabaseSnapshot(rows);
    }

    /// <summary>Tables whose rows differ from the snapshot: "table: n rows added, m removed or changed".</summary>
    public static async Task<List<string>> ChangesSinceAsync(TandemApp app, DatabaseSnapshot before)
    {
        var after = await TakeAsync(app);
        var changes = new List<string>();
        foreach (var (table, rows) in after._rows)
        {
            var old = before._rows.GetValueOrDefault(table) ?? [];
            var added = rows.Count(r => !old.Contains(r));
            var gone = old.Count(r => !rows.Contains(r));
            if (added + gone > 0)
            {
                changes.Add($"{table}: {added} rows new or changed, {gone} rows removed or changed");
            }
        }

        return changes;
    }
}
