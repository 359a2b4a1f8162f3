using System.Data;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Tandem.Data;

namespace Tandem.Features.Audit;

/// <summary>
/// Inserts chained audit entries as multi-row INSERT statements inside the caller's transaction,
/// without change tracking: a page that shows 25 engagements records 25 reads, and EF's one
/// tracked insert (and RETURNING) per entry made the audit writer the busiest part of such a
/// page. Column names, types and value conversions come from EF's own model, so a row reads back
/// (and its hash verifies) exactly as if EF had written it; the command still runs through EF,
/// so PostgreSQL's row-level security scope is set on it like on any other.
/// </summary>
internal static class AuditRows
{
    /// <summary>Rows per statement: 17 parameters each stays far below SQLite's and PostgreSQL's limits.</summary>
    private const int RowsPerStatement = 200;

    public static async Task InsertAsync(TandemDbContext db, IReadOnlyList<AuditEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0)
        {
            return;
        }

        var entityType = db.Model.FindEntityType(typeof(AuditEntry)) ?? throw new InvalidOperationException("AuditEntry is not in the model.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var columns = entityType.GetProperties()
            .Where(p => !p.IsPrimaryKey())
            .Select(p => (Property: p, Column: p.GetColumnName(table)!, Mapping: (RelationalTypeMapping)p.GetRelationalTypeMapping(), Getter: p.GetGetter()))
            .ToList();
        var sqlHelper = db.GetService<ISqlGenerationHelper>();
        var head = $"INSERT INTO {sqlHelper.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => sqlHelper.DelimitIdentifier(c.Column)))}) VALUES ";

        await using var factory = db.Database.GetDbConnection().CreateCommand();
        for (var start = 0; start < entries.Count; start += RowsPerStatement)
        {
            var chunk = entries.Skip(start).Take(RowsPerStatement).ToList();
            var sql = new StringBuilder(head);
            var parameters = new List<DbParameter>(chunk.Count * columns.Count);
            for (var row = 0; row < chunk.Count; row++)
            {
                sql.Append(row == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Count; c++)
                {
                    var name = $"a{row}_{c}";
                    sql.Append(c == 0 ? "" : ", ").Append(sqlHelper.GenerateParameterNamePlaceholder(name));
                    var column = columns[c];
                    parameters.Add(column.Mapping.CreateParameter(factory, sqlHelper.GenerateParameterName(name), column.Getter.GetClrValueUsingContainingEntity(chunk[row]), column.Property.IsNullable, ParameterDirection.Input));
                }

                sql.Append(')');
            }

            await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, ct);
        }
    }
}
