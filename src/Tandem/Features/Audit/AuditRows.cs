using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Tandem.Data;

namespace Tandem.Features.Audit;

/// <summary>
/// Inserts chained audit entries on SQLite with one prepared statement, executed once per entry in the caller's
/// transaction. EF's tracked insert prepares a new statement for every entry (SQLite keeps no statement cache across
/// commands), which cost about 100 µs an entry: 7.6 ms of each view of a Today listing 25 engagements (76 entries),
/// its largest single cost (issue 25). Columns, types and value conversions come from EF's own model and parameters
/// are made by EF's own type mappings, so a row reads back (and its hash verifies) exactly as if EF had written it.
/// PostgreSQL keeps EF's insert: it sends a whole batch in one round trip, and its commands carry the row-level
/// security scope.
/// </summary>
internal static class AuditRows
{
    public static bool Applies(TandemDbContext db) => db.Database.IsSqlite();

    public static async Task InsertAsync(TandemDbContext db, IReadOnlyList<AuditEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0)
        {
            return;
        }

        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Audit entries are inserted inside the transaction of the change they record.");
        var columns = Columns(db);
        var sql = db.GetService<ISqlGenerationHelper>();

        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction;
        command.CommandText = columns.Sql;
        command.Prepare();
        foreach (var entry in entries)
        {
            command.Parameters.Clear();
            for (var c = 0; c < columns.List.Count; c++)
            {
                var column = columns.List[c];
                command.Parameters.Add(column.Mapping.CreateParameter(command, sql.GenerateParameterName("p" + c),
                    column.Getter.GetClrValueUsingContainingEntity(entry), column.Property.IsNullable, ParameterDirection.Input));
            }

            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private sealed record Column(IProperty Property, RelationalTypeMapping Mapping, IClrPropertyGetter Getter);

    private sealed record InsertShape(IModel Model, string Sql, IReadOnlyList<Column> List);

    private static InsertShape? _shape;

    private static InsertShape Columns(TandemDbContext db)
    {
        if (_shape is { } known && ReferenceEquals(known.Model, db.Model))
        {
            return known;
        }

        var entityType = db.Model.FindEntityType(typeof(AuditEntry)) ?? throw new InvalidOperationException("AuditEntry is not in the model.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var columns = entityType.GetProperties()
            .Where(p => !p.IsPrimaryKey())
            .Select(p => (Column: p.GetColumnName(table)!, Info: new Column(p, (RelationalTypeMapping)p.GetRelationalTypeMapping(), p.GetGetter())))
            .ToList();
        var sql = db.GetService<ISqlGenerationHelper>();
        var text = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Column)))}) " +
                   $"VALUES ({string.Join(", ", columns.Select((_, i) => sql.GenerateParameterNamePlaceholder("p" + i)))})";
        return _shape = new InsertShape(db.Model, text, columns.Select(c => c.Info).ToList());
    }
}
