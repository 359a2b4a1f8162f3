using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.EntityFrameworkCore;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>
/// QUALITY.md S3, generated: for every API endpoint that takes a JSON body, CsCheck builds
/// bodies from the endpoint's own request type (each field left out, sensible, at its length
/// limit and one past it, huge, wrong-typed, null, control and odd Unicode characters, extreme
/// numbers, bad ids and dates), plus broken JSON, and sends them as a client, a therapist and
/// the practice admin to their own engagement. Never a 5xx, no stack traces, every 4xx is
/// problem details, and a refused request changes no table but the audit trail.
/// </summary>
public sealed class GeneratedBadInputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Tables a refused request may write: its audit entry (and the chain head it moves).</summary>
    private static IReadOnlySet<string> AuditTables => DatabaseSnapshot.AuditTables;

    [Fact]
    public async Task Generated_bad_bodies_to_every_json_endpoint_get_4xx_problem_details_and_write_nothing()
    {
        await using var app = await TandemApp.StartAsync();
        var engagement = await Demo.SamsEngagementAsync(app);
        var callers = new[]
        {
            ("client", (await app.LoginAsync("sam@riverside.test")).AccessToken),
            ("therapist", (await app.LoginAsync("alex@riverside.test")).AccessToken),
            ("admin", (await app.LoginAsync("admin@riverside.test")).AccessToken),
        };
        var endpoints = EndpointInfo.All(app.Services)
            .Where(e => e.IsApi && e.Method is "POST" or "PUT" or "PATCH")
            .Select(e => (Info: e, Type: e.Endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType))
            .Where(e => e.Type is not null && e.Type != typeof(string) && !e.Type.IsPrimitive)
            .ToList();
        Assert.True(endpoints.Count > 20, $"only {endpoints.Count} endpoints with a JSON body found");

        var tables = await TablesAsync(app);
        var counts = await CountAsync(app, tables);
        var sent = 0;
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var iterations = Figures.FullMode ? 4000 : 600;
        var gen = Gen.Select(Gen.Int[0, endpoints.Count - 1], Gen.Int[0, callers.Length - 1], Gen.Int[0, 1_000_000]);
        await gen.SampleAsync(async (e, c, seed) =>
        {
            var (info, type) = endpoints[e];
            var (caller, token) = callers[c];
            var body = BadBodies.For(type!, new Random(seed), out var undefinedEnum);
            using var client = app.CreateAnonymousClient();
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
            using var request = new HttpRequestMessage(new HttpMethod(info.Method), info.PathWith(engagement.ToString()))
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
            using var response = await client.SendAsync(request, Ct);
            Interlocked.Increment(ref sent);
            var text = await response.Content.ReadAsStringAsync(Ct);
            var status = (int)response.StatusCode;
            var label = $"{info.Method} {info.Pattern} as {caller} ({status}) with {Shorten(body)}";
            var after = await CountAsync(app, tables);
            lock (failures)
            {
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (status >= 500)
                {
                    failures.Add($"{label}: {Shorten(text)}");
                }

                if (undefinedEnum && status < 400)
                {
                    failures.Add($"{label}: accepted an enum value that is not one of its names");
                }
                else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{label}: not problem details");
                }

                if (text.Contains("   at ", StringComparison.Ordinal) || text.Contains("Exception", StringComparison.Ordinal))
                {
                    failures.Add($"{label}: leaks exception details");
                }

                var changed = after.Where(t => !AuditTables.Contains(t.Key) && counts[t.Key] != t.Value).Select(t => $"{t.Key} {counts[t.Key]}->{t.Value}").ToList();
                if (status >= 400 && changed.Count > 0)
                {
                    failures.Add($"{label}: refused, yet wrote {string.Join(", ", changed)}");
                }

                counts = after;
            }
        }, iter: iterations, threads: 1);

        failures.AddRange(await StoredEnums.UndefinedAsync(app));
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests failed:\n{string.Join('\n', failures.Take(20))}");
        Figures.Print($"bad input: {sent} generated requests to {endpoints.Count} JSON endpoints, 0 5xx, 0 half-written (answers: {string.Join(", ", statuses.Select(s => $"{s.Value}x{s.Key}"))})");
    }

    /// <summary>
    /// Issue 19, finding 4, for every JSON endpoint whose request has an enum (at the top or one level down): the body the
    /// authorisation matrix sends (valid, so only the enum decides) with that enum set to each value that is not one of its
    /// names, as a client, a therapist and the admin, to their own records. None may be accepted; then the same bodies with
    /// a defined name, so the sweep cannot pass by sending bodies refused for another reason; no stored enum is undefined.
    /// </summary>
    [Fact]
    public async Task Undefined_enum_values_in_every_json_body_are_refused()
    {
        await using var app = await TandemApp.StartAsync();
        var index = await Matrix.RecordIndex.LoadAsync(app);
        var now = app.Clock.GetUtcNow();
        var sams = index.EngagementOfClient("sam@riverside.test");
        var callers = new List<(string Email, HttpClient Http)>();
        foreach (var email in new[] { "sam@riverside.test", "alex@riverside.test", "admin@riverside.test" })
        {
            callers.Add((email, await app.ClientForAsync(email)));
        }

        var endpoints = EndpointInfo.All(app.Services)
            .Where(e => e.IsApi && e.Method is "POST" or "PUT" or "PATCH")
            .Select(e => (Info: e, Enums: EnumPaths(e.Endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType)))
            .Where(e => e.Enums.Count > 0)
            .ToList();
        Assert.True(endpoints.Count >= 6, $"only {endpoints.Count} JSON endpoints with an enum found");

        var accepted = new List<string>();
        var wrong = new List<string>();
        var sent = 0;
        async Task<int> SendAsync(HttpClient http, Matrix.Person person, EndpointInfo e, string[] path, JsonNode? value, bool undefined)
        {
            var filler = new Matrix.MatrixFiller(index, person, sams, now);
            var slots = new List<Matrix.Slot>();
            var url = Matrix.MatrixRoutes.Fill(e.Pattern, (type, _) => filler.For(type), slots);
            var body = JsonNode.Parse(Matrix.MatrixProbe.ToJson(Matrix.MatrixBodies.Body(e, filler.For, slots, now) ?? new { }))!.AsObject();
            var target = body;
            foreach (var step in path[..^1])
            {
                target = target[step] as JsonObject ?? (JsonObject)(target[step] = new JsonObject());
            }

            target[path[^1]] = value?.DeepClone();
            using var request = new HttpRequestMessage(new HttpMethod(e.Method), url) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
            foreach (var (name, header) in Matrix.MatrixBodies.Headers(e))
            {
                request.Headers.TryAddWithoutValidation(name, header);
            }

            using var response = await http.SendAsync(request, Ct);
            sent++;
            var status = (int)response.StatusCode;
            if (undefined && (status >= 500 || (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")))
            {
                wrong.Add($"{e.Method} {e.Pattern} {string.Join('.', path)}={value?.ToJsonString()} -> {status}: {Shorten(await response.Content.ReadAsStringAsync(Ct))}");
            }

            return status;
        }

        foreach (var (e, enums) in endpoints)
        {
            foreach (var (path, _) in enums)
            {
                foreach (var value in BadBodies.UndefinedEnumValues)
                {
                    foreach (var (email, http) in callers)
                    {
                        if (await SendAsync(http, index.Person(email), e, path, value, undefined: true) is >= 200 and < 300)
                        {
                            accepted.Add($"{email}: {e.Method} {e.Pattern} with {string.Join('.', path)} = {value?.ToJsonString()}");
                        }
                    }
                }
            }
        }

        var stored = await StoredEnums.UndefinedAsync(app);

        // The control: the same bodies with a defined name are accepted somewhere, so the refusals above were the enum's.
        var controls = 0;
        foreach (var (e, enums) in endpoints)
        {
            foreach (var (path, type) in enums)
            {
                foreach (var (email, http) in callers)
                {
                    controls += await SendAsync(http, index.Person(email), e, path, JsonValue.Create(Enum.GetNames(type)[^1]), undefined: false) is >= 200 and < 300 ? 1 : 0;
                }
            }
        }

        Figures.Print($"undefined enums: {sent} requests to {endpoints.Count} JSON endpoints with {endpoints.Sum(e => e.Enums.Count)} enum fields, {accepted.Count} undefined values accepted, {controls} defined-name controls accepted");
        Assert.True(accepted.Count == 0, $"{accepted.Count} accepted:\n" + string.Join('\n', accepted.Take(30)));
        Assert.True(wrong.Count == 0, string.Join('\n', wrong.Take(30)));
        Assert.True(stored.Count == 0, string.Join("\n", stored));
        Assert.True(controls >= 3, $"only {controls} bodies with a defined enum name were accepted: the sweep's bodies are refused for other reasons");
    }

    /// <summary>
    /// CI found it on PostgreSQL (which cannot hold U+0000 in text): a NUL in the email of the password-reset confirmation
    /// reached the database as a lookup and answered 500. For every JSON endpoint, the valid body the authorisation matrix
    /// sends, with each text field (at the top or one level down) in turn holding a NUL, as a client, a therapist and the
    /// admin: every answer a 4xx problem details naming the field, none accepted, nothing written but the audit trail.
    /// </summary>
    [Fact]
    public async Task A_nul_character_in_any_text_field_of_every_json_body_is_refused_in_words()
    {
        await using var app = await TandemApp.StartAsync();
        var index = await Matrix.RecordIndex.LoadAsync(app);
        var now = app.Clock.GetUtcNow();
        var sams = index.EngagementOfClient("sam@riverside.test");
        var callers = new List<(string Email, HttpClient Http)>();
        foreach (var email in new[] { "sam@riverside.test", "alex@riverside.test", "admin@riverside.test" })
        {
            callers.Add((email, await app.ClientForAsync(email)));
        }

        var endpoints = EndpointInfo.All(app.Services)
            .Where(e => e.IsApi && e.Method is "POST" or "PUT" or "PATCH")
            .Select(e => (Info: e, Texts: FieldPaths(e.Endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType, t => t == typeof(string))))
            .Where(e => e.Texts.Count > 0)
            .ToList();
        Assert.True(endpoints.Count >= 20, $"only {endpoints.Count} JSON endpoints with a text field found");

        var tables = await TablesAsync(app);
        var counts = await CountAsync(app, tables);
        var problems = new List<string>();
        var sent = 0;
        foreach (var (e, texts) in endpoints)
        {
            foreach (var (path, _) in texts)
            {
                foreach (var (email, http) in callers)
                {
                    var filler = new Matrix.MatrixFiller(index, index.Person(email), sams, now);
                    var slots = new List<Matrix.Slot>();
                    var url = Matrix.MatrixRoutes.Fill(e.Pattern, (type, _) => filler.For(type), slots);
                    var body = JsonNode.Parse(Matrix.MatrixProbe.ToJson(Matrix.MatrixBodies.Body(e, filler.For, slots, now) ?? new { }))!.AsObject();
                    var target = body;
                    foreach (var step in path[..^1])
                    {
                        target = target[step] as JsonObject ?? (JsonObject)(target[step] = new JsonObject());
                    }

                    target[path[^1]] = "before\u0000after";
                    using var request = new HttpRequestMessage(new HttpMethod(e.Method), url) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
                    foreach (var (name, header) in Matrix.MatrixBodies.Headers(e))
                    {
                        request.Headers.TryAddWithoutValidation(name, header);
                    }

                    using var response = await http.SendAsync(request, Ct);
                    sent++;
                    var status = (int)response.StatusCode;
                    var text = await response.Content.ReadAsStringAsync(Ct);
                    var label = $"{email}: {e.Method} {e.Pattern} with {string.Join('.', path)} holding a NUL -> {status}";
                    if (status < 400 || status >= 500)
                    {
                        problems.Add($"{label}: {Shorten(text)}");
                    }
                    else if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    {
                        problems.Add($"{label}: not problem details");
                    }

                    var after = await CountAsync(app, tables);
                    var changed = after.Where(t => !AuditTables.Contains(t.Key) && counts[t.Key] != t.Value).Select(t => $"{t.Key} {counts[t.Key]}->{t.Value}").ToList();
                    if (changed.Count > 0)
                    {
                        problems.Add($"{label}: wrote {string.Join(", ", changed)}");
                    }

                    counts = after;
                }
            }
        }

        Figures.Print($"NUL in text: {sent} requests to {endpoints.Count} JSON endpoints ({endpoints.Sum(e => e.Texts.Count)} text fields x 3 people), {problems.Count} not refused in words");
        Assert.True(problems.Count == 0, $"{problems.Count} of {sent}:\n" + string.Join('\n', problems.Take(30)));
    }

    /// <summary>The JSON paths of the enum properties of a request type (camelCase), at the top or one level down.</summary>
    private static List<(string[] Path, Type Type)> EnumPaths(Type? type, int depth = 0) => FieldPaths(type, t => t.IsEnum);

    /// <summary>The JSON paths of the properties of a request type whose type matches (camelCase), at the top or one level down.</summary>
    private static List<(string[] Path, Type Type)> FieldPaths(Type? type, Func<Type, bool> match, int depth = 0)
    {
        var found = new List<(string[], Type)>();
        if (type is null || type == typeof(string) || type.IsPrimitive || depth > 1)
        {
            return found;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead))
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (match(propertyType))
            {
                found.Add(([name], propertyType));
            }
            else if (propertyType.IsClass && propertyType != typeof(string) && !typeof(System.Collections.IEnumerable).IsAssignableFrom(propertyType))
            {
                found.AddRange(FieldPaths(propertyType, match, depth + 1).Select(p => ((string[])[name, .. p.Path], p.Type)));
            }
        }

        return found;
    }

    private static string Shorten(string text) => text.Length <= 160 ? text : $"{text[..160]}... ({text.Length:N0} chars)";

    private static async Task<List<string>> TablesAsync(TandemApp app)
    {
        List<string> tables = [];
        await app.WithDbAsync(db =>
        {
            tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
            return Task.CompletedTask;
        });
        return tables;
    }

    /// <summary>Rows per table in one statement, so it can run after every request.</summary>
    private static async Task<Dictionary<string, long>> CountAsync(TandemApp app, List<string> tables)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await app.WithDbAsync(async db =>
        {
            // Raw SQL sees what the app stored, past row-level security.
            await using var connection = await app.OpenRawConnectionAsync();
            await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // table names come from the app's own model
            command.CommandText = string.Join(" UNION ALL ", tables.Select(t => $"SELECT '{t}', COUNT(*) FROM \"{t}\""));
#pragma warning restore CA2100
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                counts[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
            }
        });
        return counts;
    }
}

/// <summary>JSON bodies shaped like a request type, with bad values in its fields, or not JSON at all.</summary>
internal static class BadBodies
{
    private static readonly string[] Broken = ["", "{", "{\"", "[", "null", "true", "42", "\"text\"", "[1,2,3]", "{\"a\":}", "{,}", "{\"a\":1,}", "\u0000", "not json", "{'single':'quotes'}", "{\"body\":\"\\ud83d\"}", "{\"text\":\"\\udc00x\"}"];

    private static readonly string[] OddStrings =
    [
        "", " ", "\t\n", "\u0000", "\u0001\u0002", "\u202e\u202d", "\ufeff", "😀", "𝕏𝕐", "١٢٣", "<script>alert(1)</script>",
        "'; DROP TABLE \"Messages\"; --", "../../etc/passwd", "%00", "${jndi:x}", "{{7*7}}", "null", "NaN", "-0", "0x10", "1e9999",
        "2026-13-45", "0001-01-01", "9999-12-31T23:59:59Z", "00000000-0000-0000-0000-000000000000", "not-a-guid", "ClientLed", "Nonsense",
    ];

    private static readonly JsonNode?[] OddValues =
    [
        null, true, false, 0, -1, 1, int.MaxValue, int.MinValue, long.MaxValue, 1.5, -1e308, 1e308, 9007199254740993m,
        new JsonArray(), new JsonArray(1, "x", null), new JsonObject(), new JsonObject { ["a"] = 1 },
    ];

    /// <summary>Values of an enum field that are not one of its names: numbers, numbers as text, unknown names, combinations.</summary>
    public static readonly JsonNode?[] UndefinedEnumValues = [2, -1, 99, 1.5, "2", "-1", "Nonsense", "ClientLed,TherapistLed", "Client, Therapist", " ", true];

    public static string For(Type type, Random random) => For(type, random, out _);

    public static string For(Type type, Random random, out bool undefinedEnum)
    {
        undefinedEnum = false;
        if (random.Next(8) == 0)
        {
            return Broken[random.Next(Broken.Length)];
        }

        if (random.Next(20) == 0)
        {
            // Nesting deeper than the JSON reader allows.
            return new string('[', 200) + new string(']', 200);
        }

        var body = new JsonObject();
        foreach (var property in Properties(type))
        {
            var roll = random.Next(10);
            if (roll < 2)
            {
                continue;
            }

            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            if (roll >= 5 && (Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType).IsEnum && random.Next(2) == 0)
            {
                body[name] = UndefinedEnumValues[random.Next(UndefinedEnumValues.Length)]?.DeepClone();
                undefinedEnum = true;
                continue;
            }

            body[name] = roll < 5 ? Sensible(property, random) : Bad(property, random);
        }

        if (random.Next(6) == 0)
        {
            body["unexpected" + random.Next(100)] = Bad(null, random);
        }

        return body.ToJsonString();
    }

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead);

    private static JsonNode? Sensible(PropertyInfo property, Random random)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        return type switch
        {
            _ when type == typeof(string) => "A sensible answer",
            _ when type == typeof(int) || type == typeof(long) => random.Next(0, 5),
            _ when type == typeof(double) || type == typeof(decimal) => 1.0,
            _ when type == typeof(bool) => true,
            _ when type == typeof(Guid) => Guid.NewGuid().ToString(),
            _ when type == typeof(DateOnly) => "2026-12-01",
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "2026-12-01T10:00:00Z",
            _ when type == typeof(TimeSpan) => "00:50:00",
            _ when type.IsEnum => Enum.GetNames(type)[random.Next(Enum.GetNames(type).Length)],
            _ when type == typeof(JsonElement) => random.Next(4),
            _ when type.IsArray || (type.IsGenericType && type.GetGenericArguments().Length == 1) => new JsonArray(),
            _ => new JsonObject(),
        };
    }

    private static JsonNode? Bad(PropertyInfo? property, Random random)
    {
        var max = property?.GetCustomAttribute<MaxLengthAttribute>()?.Length ?? property?.GetCustomAttribute<StringLengthAttribute>()?.MaximumLength;
        return random.Next(6) switch
        {
            0 when max is > 0 => new string('x', max.Value + random.Next(-1, 2)),
            1 => new string('y', random.Next(2) == 0 ? 10_001 : 200_000),
            2 or 3 => OddStrings[random.Next(OddStrings.Length)],
            _ => OddValues[random.Next(OddValues.Length)]?.DeepClone(),
        };
    }
}
