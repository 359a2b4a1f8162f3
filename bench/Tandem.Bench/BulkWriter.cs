using System.Data.Common;
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
    private const int MaxParameters = 20_000;
    private const int MaxRowsPerStatement = 500;

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
        var sqlite = db.Database.ProviderName?.Contains("Sqlite", StringComparison.Ordinal) == true;
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
                // SQLite binds parameters by name (a linear search each), so one prepared single-row
                // INSERT reused for every row is its fastest path; PostgreSQL wants few round trips.
                var perStatement = sqlite ? 1 : Math.Max(1, Math.Min(MaxRowsPerStatement, MaxParameters / columns.Count));
                var head = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Column!)))}) VALUES ";
                DbCommand? command = null;
                var commandRows = -1;
                try
                {
                    for (var start = 0; start < rows.Count; start += perStatement)
                    {
                        var count = Math.Min(perStatement, rows.Count - start);
                        if (command is null || commandRows != count)
                        {
                            if (command is not null)
                            {
                                await command.DisposeAsync();
                            }

                            command = connection.CreateCommand();
                            command.Transaction = transaction.GetDbTransaction();
                            command.CommandText = head + string.Join(", ", Enumerable.Range(0, count).Select(r =>
                                "(" + string.Join(", ", Enumerable.Range(0, columns.Count).Select(c => "@p" + (r * columns.Count + c))) + ")"));
                            commandRows = count;
                        }

                        command.Parameters.Clear();
                        for (var r = 0; r < count; r++)
                        {
                            var entry = rows[start + r];
                            for (var c = 0; c < columns.Count; c++)
                            {
                                var property = columns[c].Property;
                                command.Parameters.Add(((RelationalTypeMapping)property.GetTypeMapping())
                                    .CreateParameter(command, "@p" + (r * columns.Count + c), entry.Property(property).CurrentValue, property.IsNullable));
                            }
                        }

                        written += await command.ExecuteNonQueryAsync(ct);
                    }
                }
                finally
                {
                    if (command is not null)
                    {
                        await command.DisposeAsync();
                    }
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
