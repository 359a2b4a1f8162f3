using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Tandem.Bench;

/// <summary>
/// Raw bulk insert of what a context is tracking as Added: multi-row parameterised INSERTs built
/// from the EF model (tables, columns, shadow keys, value converters and each provider's own
/// parameter binding), in one transaction. Entities are still made by the app's own factory
/// methods; only the row-at-a-time SaveChanges is skipped, which is 20x slower here.
/// </summary>
internal static class BulkWriter
{
    private const int MaxParameters = 2_000;
    private const int MaxRowsPerStatement = 100;

    public static async Task<int> FlushAsync(DbContext db, CancellationToken ct)
    {
        db.ChangeTracker.DetectChanges();
        // Insert in the order the entities were added, grouped by type: principals come first.
        var groups = new List<(IEntityType Type, List<EntityEntry> Rows)>();
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added))
        {
            var group = groups.FirstOrDefault(g => g.Type == entry.Metadata);
            if (group.Rows is null)
            {
                group = (entry.Metadata, []);
                groups.Add(group);
            }

            group.Rows.Add(entry);
        }

        groups = Order(groups);
        var sql = db.GetService<ISqlGenerationHelper>();
        await db.Database.OpenConnectionAsync(ct);
        var written = 0;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var connection = db.Database.GetDbConnection();
            foreach (var (type, rows) in groups)
            {
                var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
                var columns = type.GetProperties()
                    .Select(p => (Property: p, Column: p.GetColumnName(table)))
                    .Where(c => c.Column is not null && c.Property.GetComputedColumnSql(table) is null)
                    .Where(c => !(c.Property.IsKey() && c.Property.ValueGenerated == ValueGenerated.OnAdd && c.Property.ClrType == typeof(long)))
                    .ToList();
                var perStatement = Math.Max(1, Math.Min(MaxRowsPerStatement, MaxParameters / columns.Count));
                var head = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Column!)))}) VALUES ";
                for (var start = 0; start < rows.Count; start += perStatement)
                {
                    var chunk = rows.Skip(start).Take(perStatement).ToList();
                    await using var command = connection.CreateCommand();
                    command.Transaction = transaction.GetDbTransaction();
                    var text = new StringBuilder(head);
                    var n = 0;
                    for (var r = 0; r < chunk.Count; r++)
                    {
                        text.Append(r == 0 ? "(" : ", (");
                        for (var c = 0; c < columns.Count; c++)
                        {
                            var name = "@p" + n++;
                            text.Append(c == 0 ? name : ", " + name);
                            var property = columns[c].Property;
                            var value = chunk[r].Property(property).CurrentValue;
                            command.Parameters.Add(((RelationalTypeMapping)property.GetTypeMapping()).CreateParameter(command, name, value, property.IsNullable));
                        }

                        text.Append(')');
                    }

                    command.CommandText = text.ToString();
                    written += await command.ExecuteNonQueryAsync(ct);
                }
            }

            await transaction.CommitAsync(ct);
        }

        await db.Database.CloseConnectionAsync();
        db.ChangeTracker.Clear();
        return written;
    }

    /// <summary>Principals before dependents (by the model's foreign keys), otherwise in the order first added.</summary>
    private static List<(IEntityType Type, List<EntityEntry> Rows)> Order(List<(IEntityType Type, List<EntityEntry> Rows)> groups)
    {
        var done = new List<(IEntityType Type, List<EntityEntry> Rows)>();
        var left = new List<(IEntityType Type, List<EntityEntry> Rows)>(groups);
        while (left.Count > 0)
        {
            var next = left.FirstOrDefault(g => g.Type.GetForeignKeys().All(fk =>
                fk.PrincipalEntityType == g.Type || !left.Any(o => o.Type == fk.PrincipalEntityType)));
            if (next.Rows is null)
            {
                next = left[0];
            }

            done.Add(next);
            left.Remove(next);
        }

        return done;
    }
}
