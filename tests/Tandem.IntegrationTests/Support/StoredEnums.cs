using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace Tandem.IntegrationTests.Support;

/// <summary>
/// Every enum column of the app's model, read raw: a stored value that is not one of its enum's
/// defined values (a role "2", a format "-1") is a rule that no code knows (issue 19, finding 4).
/// </summary>
public static class StoredEnums
{
    public static async Task<List<string>> UndefinedAsync(TandemApp app)
    {
        var found = new List<string>();
        await app.WithDbAsync(async db =>
        {
            // Raw SQL sees what the app stored, past row-level security.
            await using var connection = await app.OpenRawConnectionAsync();
            foreach (var entity in db.Model.GetEntityTypes())
            {
                var table = entity.GetTableName();
                if (table is null)
                {
                    continue;
                }

                foreach (var property in entity.GetProperties())
                {
                    var type = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
                    if (!type.IsEnum || property.GetColumnName() is not { } column)
                    {
                        continue;
                    }

                    await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // names come from the app's own model
                    command.CommandText = $"SELECT DISTINCT \"{column}\" FROM \"{table}\" WHERE \"{column}\" IS NOT NULL";
#pragma warning restore CA2100
                    await using var reader = await command.ExecuteReaderAsync();
                    while (await reader.ReadAsync())
                    {
                        var value = reader.GetValue(0);
                        var defined = value is string text
                            ? Enum.GetNames(type).Contains(text, StringComparer.Ordinal)
                            : Enum.IsDefined(type, Enum.ToObject(type, Convert.ToInt64(value, CultureInfo.InvariantCulture)));
                        if (!defined)
                        {
                            found.Add($"{table}.{column} holds {value}, not a {type.Name}");
                        }
                    }
                }
            }
        });
        return found;
    }
}
