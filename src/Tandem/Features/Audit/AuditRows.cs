using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Tandem.Data;

namespace Tandem.Features.Audit;

/// <summary>
/// Inserts chained audit entries without EF's change tracker, in the caller's transaction (issue 25: a Today listing
/// 25 engagements records 76 entries a view, its largest single cost).
/// <list type="bullet">
/// <item>SQLite: one prepared statement with one set of parameters, executed once per entry. EF's tracked insert prepares a new statement for
/// every entry (SQLite keeps no statement cache across commands), about 100 µs an entry.</item>
/// <item>PostgreSQL: one statement for the whole batch, each column sent as one array and spread into rows by
/// <c>unnest</c>. Its text is the same for every batch size, so the connection keeps it prepared; EF's insert sent
/// one INSERT per entry and tracked each entity. It runs through EF's command pipeline, so the row-level security
/// scope of the caller is set ahead of it like any other command.</item>
/// </list>
/// Columns, types and value conversions come from EF's own model, so a row reads back (and its hash verifies) exactly
/// as if EF had written it.
/// </summary>
internal static class AuditRows
{
    public static Task InsertAsync(TandemDbContext db, IReadOnlyList<AuditEntry> entries, CancellationToken ct) => InsertRowsAsync(db, entries, ct);

    /// <summary>A list's members (<see cref="AuditListRead"/>), the same way: narrow rows, one prepared statement or one array insert.</summary>
    public static Task InsertListReadsAsync(TandemDbContext db, IReadOnlyList<AuditListRead> rows, CancellationToken ct) => InsertRowsAsync(db, rows, ct);

    /// <summary>Reads back the ids the database gave to entries just inserted, by their practice and sequence (unique).</summary>
    public static async Task AssignIdsAsync(TandemDbContext db, IReadOnlyList<AuditEntry> entries, CancellationToken ct)
    {
        foreach (var practice in entries.GroupBy(e => e.PracticeId))
        {
            var practiceId = practice.Key;
            var sequences = practice.Select(e => e.Sequence).ToList();
            var ids = await db.AuditEntries.AsNoTracking().Where(e => e.PracticeId == practiceId && sequences.Contains(e.Sequence))
                .Select(e => new { e.Sequence, e.Id }).ToDictionaryAsync(e => e.Sequence, e => e.Id, ct);
            foreach (var entry in practice)
            {
                entry.Assigned(ids[entry.Sequence]);
            }
        }
    }

    private static async Task InsertRowsAsync<T>(TandemDbContext db, IReadOnlyList<T> entries, CancellationToken ct)
        where T : class
    {
        if (entries.Count == 0)
        {
            return;
        }

        if (db.Database.IsNpgsql())
        {
            await InsertAllAtOnceAsync(db, entries, ct);
            return;
        }

        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Audit entries are inserted inside the transaction of the change they record.");
        var columns = Columns(db, typeof(T));
        var sql = db.GetService<ISqlGenerationHelper>();

        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction;
        command.CommandText = columns.Sql;

        // One parameter per column, made once with the first entry's values; the next entries only change the values.
        // (Made again for every entry they were 17 parameter objects an entry, a tenth of a caseload view's allocations.)
        var parameters = new DbParameter[columns.List.Count];
        for (var c = 0; c < parameters.Length; c++)
        {
            var column = columns.List[c];
            parameters[c] = column.Mapping.CreateParameter(command, sql.GenerateParameterName("p" + c),
                column.Getter.GetClrValueUsingContainingEntity(entries[0]), column.Property.IsNullable, ParameterDirection.Input);
            command.Parameters.Add(parameters[c]);
        }

        command.Prepare();
        for (var i = 0; i < entries.Count; i++)
        {
            if (i > 0)
            {
                for (var c = 0; c < parameters.Length; c++)
                {
                    parameters[c].Value = ProviderValue(columns.List[c], entries[i]);
                }
            }

            // Microsoft.Data.Sqlite runs its async methods synchronously: the plain call saves their tasks.
            ct.ThrowIfCancellationRequested();
            command.ExecuteNonQuery();
        }
    }

    /// <summary>A column's value as <see cref="RelationalTypeMapping.CreateParameter"/> stores it: converted, enums as numbers, null as DBNull.</summary>
    private static object ProviderValue(Column column, object entry)
    {
        var value = column.Getter.GetClrValueUsingContainingEntity(entry);
        if (value is null)
        {
            return DBNull.Value;
        }

        if (column.Mapping.Converter is { } converter)
        {
            return converter.ConvertToProvider(value) ?? DBNull.Value;
        }

        return value is Enum ? Convert.ChangeType(value, Enum.GetUnderlyingType(value.GetType()), System.Globalization.CultureInfo.InvariantCulture) : value;
    }

    /// <summary>PostgreSQL: every entry in one statement, one array parameter per column, rows in the batch's order.</summary>
    private static async Task InsertAllAtOnceAsync<T>(TandemDbContext db, IReadOnlyList<T> entries, CancellationToken ct)
        where T : class
    {
        var columns = Columns(db, typeof(T));
        var parameters = new object[columns.List.Count];
        for (var c = 0; c < columns.List.Count; c++)
        {
            var column = columns.List[c];
            var converter = column.Mapping.Converter;
            var provider = converter?.ProviderClrType ?? column.Property.ClrType;
            var stored = Nullable.GetUnderlyingType(provider) ?? provider;
            var element = stored.IsValueType && column.Property.IsNullable ? typeof(Nullable<>).MakeGenericType(stored) : stored;
            var values = Array.CreateInstance(element, entries.Count);
            for (var i = 0; i < entries.Count; i++)
            {
                var value = column.Getter.GetClrValueUsingContainingEntity(entries[i]);
                values.SetValue(value is not null && converter is not null ? converter.ConvertToProvider(value) : value, i);
            }

            parameters[c] = new Npgsql.NpgsqlParameter("p" + c, values);
        }

        await db.Database.ExecuteSqlRawAsync(columns.UnnestSql, parameters, ct);
    }

    private sealed record Column(IProperty Property, RelationalTypeMapping Mapping, IClrPropertyGetter Getter);

    private sealed record InsertShape(IModel Model, string Sql, string UnnestSql, IReadOnlyList<Column> List);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, InsertShape> Shapes = new();

    private static InsertShape Columns(TandemDbContext db, Type type)
    {
        if (Shapes.TryGetValue(type, out var known) && ReferenceEquals(known.Model, db.Model))
        {
            return known;
        }

        var entityType = db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var columns = entityType.GetProperties()
            .Where(p => p.ValueGenerated != ValueGenerated.OnAdd)
            .Select(p => (Column: p.GetColumnName(table)!, Info: new Column(p, (RelationalTypeMapping)p.GetRelationalTypeMapping(), p.GetGetter())))
            .ToList();
        var sql = db.GetService<ISqlGenerationHelper>();
        var into = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Column)))}) ";
        var text = into + $"VALUES ({string.Join(", ", columns.Select((_, i) => sql.GenerateParameterNamePlaceholder("p" + i)))})";
        // Identity ids follow the rows' order, so the access log (newest id first) lists a batch as it was chained.
        var names = string.Join(", ", columns.Select((_, i) => "c" + i));
        var unnest = into + $"SELECT {names} FROM unnest({string.Join(", ", columns.Select((_, i) => "@p" + i))}) WITH ORDINALITY AS u({names}, n) ORDER BY n";
        return Shapes[type] = new InsertShape(db.Model, text, unnest, columns.Select(c => c.Info).ToList());
    }
}
