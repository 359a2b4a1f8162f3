using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tandem.IntegrationTests.Support;

/// <summary>A statement the app sent to this test's database, with the values of its parameters.</summary>
public sealed record SentCommand(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters)
{
    /// <summary>The plan the database makes for this statement and these values (PostgreSQL: a custom plan, as for the app's unprepared statements).</summary>
    public async Task<string> PlanAsync(DbConnection connection, TestProvider provider)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = (provider == TestProvider.Sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + Sql;
        foreach (var (name, value) in Parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            lines.Add(reader.GetValue(reader.FieldCount - 1)?.ToString() ?? "");
        }

        return string.Join("\n", lines);
    }
}

/// <summary>The statements EF Core sends to one test database while this lives (its diagnostic events carry the command and its values).</summary>
public sealed class SentCommands : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly TestDatabase _database;
    private readonly List<IDisposable> _subscriptions = [];
    private readonly List<SentCommand> _commands = [];

    public SentCommands(TestDatabase database)
    {
        _database = database;
        _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));

        // The app's contexts are pooled, and a context's EF logger remembers for a second (EF's logging cache time)
        // that nobody listened: wait that second out, so every command from here on is seen.
        Thread.Sleep(TimeSpan.FromSeconds(1.1));
    }

    public IReadOnlyList<SentCommand> Commands
    {
        get
        {
            lock (_commands)
            {
                return [.. _commands];
            }
        }
    }

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name)
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(value.Subscribe(this, name => name == RelationalEventId.CommandExecuting.Name));
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Value is not CommandEventData { Command: var command } || !Ours(command.Connection))
        {
            return;
        }

        var parameters = command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, p.Value)).ToList();
        lock (_commands)
        {
            _commands.Add(new SentCommand(command.CommandText, parameters));
        }
    }

    private bool Ours(DbConnection? connection) => connection is not null && (_database.Provider == TestProvider.Sqlite
        ? _database.SqlitePath is { } path && Path.GetFullPath(connection.DataSource) == Path.GetFullPath(path)
        : connection.Database == _database.Name);

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        lock (_subscriptions)
        {
            foreach (var s in _subscriptions)
            {
                s.Dispose();
            }
        }
    }
}
