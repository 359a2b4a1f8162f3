using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using CsCheck;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security.Forms;

/// <summary>What happens to one field of a form. <see cref="Sensible"/> is 0, so CsCheck shrinks a failure towards a form filled in sensibly but for the field that matters.</summary>
public enum FieldMutation
{
    Sensible,
    LeftOut,
    Empty,
    WhitespaceOnly,
    AtMaxLength,
    PastMaxLength,
    Huge,
    WrongType,
    BoundaryDate,
    ExtremeNumber,
    OddCharacters,
    NotAnOption,
    Duplicated,
}

/// <summary>What happens to the form as a whole. <see cref="AsRendered"/> is 0 (the page's own form name and encoding).</summary>
public enum FormShape
{
    AsRendered,
    UnknownFields,
    WrongFormName,
    NoFormName,
    TwoFormNames,
    BrokenEncoding,
    TooManyFields,
    OverlongValue,
    WrongContentType,
    NoBody,
}

/// <summary>
/// One generated submission, as CsCheck draws it: which form (of all the forms found, each as likely as the next),
/// which of its fields gets a bad value (<see cref="Focus"/>) and which (<see cref="Bad"/>), what happens to the other
/// fields (mostly sensible: <see cref="Others"/> past its length, or above <see cref="FieldMutation.Duplicated"/>, is
/// sensible), the form's shape, and a seed for the details (which caller, which odd string, which number). Small numbers
/// mean "sensible", so a shrunk failure names only what it needs.
/// </summary>
public sealed record FormPlan(int Form, int Focus, int Bad, int[] Others, int Shape, int Seed)
{
    /// <summary>Four in five of the other fields are sensible, so the handler's deeper validation is reached.</summary>
    public static readonly Gen<FormPlan> Generator = Gen.Select(
        Gen.Int[0, 10_000], Gen.Int[0, 100], Gen.Int[1, 16], Gen.Int[0, 60].Array[0, 10], Gen.Int[0, 60], Gen.Int[0, 1_000_000],
        (form, focus, bad, others, shape, seed) => new FormPlan(form, focus, bad, others, shape, seed));

    /// <summary>The focus field's case: every case alike, the length and character cases twice as often (where bugs live).</summary>
    public FieldMutation FocusMutation => Bad switch
    {
        <= (int)FieldMutation.Duplicated => (FieldMutation)Math.Max(1, Bad),
        13 => FieldMutation.PastMaxLength,
        14 => FieldMutation.Huge,
        15 => FieldMutation.AtMaxLength,
        _ => FieldMutation.OddCharacters,
    };

    public FieldMutation MutationOf(int field, int fieldCount) =>
        fieldCount > 0 && field == Focus % fieldCount ? FocusMutation
        : field < Others.Length && Others[field] <= (int)FieldMutation.Duplicated ? (FieldMutation)Others[field]
        : FieldMutation.Sensible;

    /// <summary>Two thirds of the forms as rendered; the rest spread over the other shapes.</summary>
    public FormShape FormShape => Shape < 40 ? FormShape.AsRendered : (FormShape)(1 + ((Shape - 40) % 9));

    public override string ToString() => $"form {Form}, field {Focus} {FocusMutation}, others [{string.Join(",", Others.Select(o => o <= (int)FieldMutation.Duplicated ? ((FieldMutation)o).ToString() : "Sensible"))}], {FormShape}, seed {Seed}";
}

/// <summary>A submission ready to send, and a readable account of it for failure messages.</summary>
public sealed record FormSubmission(string Path, HttpContent? Content, string Description);

/// <summary>Turns a <see cref="FormPlan"/> into the body of a POST to one rendered form.</summary>
public static class BadFormSubmissions
{
    public static readonly string[] Whitespace = [" ", "   ", "\t", "\r\n", "\u00a0", "\u2003\u2003", "\u200b", " \n \t "];

    public static readonly string[] OddStrings =
    [
        "\u0000", "a\u0000b", "\u0001\u0002\u0003\u001f\u007f", "\ud800", "x\udc00y", "\udfff\ud800", "\u202e\u202dreversed", "\ufeff", "\ufffe\uffff",
        "😀", "👩‍👩‍👧‍👦", "𝕏𝕐ℤ", "e\u0301\u0301\u0301\u0301", "١٢٣", "ﷺ", "Z̴̡̢̛̗̘̙̜̝̞̟̠̀́̂̃̄̅", "\u2028\u2029",
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "'; DROP TABLE \"Users\"; --", "' OR '1'='1", "../../../../etc/passwd",
        "%00", "%2e%2e%2f", "${jndi:ldap://x}", "{{7*7}}", "@(1+1)", "\r\nSet-Cookie: x=1", "null", "undefined", "NaN", "true", "[object Object]",
        "javascript:alert(1)", "//evil.example", "https://evil.example/", "\\\\evil\\share", "C:\\Windows\\win.ini", "a\tb\nc\rd",
    ];

    public static readonly string[] BrokenJson =
    [
        "{", "[", "null", "[]", "{}", "\"text\"", "{\"id\":1}", "not json", "{\"a\":}", "{\"type\":\"public-key\",\"id\":\"AAAA\",\"rawId\":\"AAAA\",\"response\":{}}",
        "{\"id\":\"%%%\",\"rawId\":\"!!\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\"e30\",\"authenticatorData\":\"\",\"signature\":\"\"}}",
        "{\"id\":\"AAAA\",\"rawId\":\"AAAA\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\"eyJ0eXBlIjoid2ViYXV0aG4uZ2V0In0\",\"attestationObject\":\"o2NmbXRkbm9uZQ\"}}",
    ];

    public static readonly string[] BadDates =
    [
        "0001-01-01", "9999-12-31", "2026-02-30", "2026-02-29", "2026-13-01", "2026-00-10", "0000-00-00", "-2026-01-01", "99999-01-01",
        "1970-01-01", "1900-01-01", "2026-12-01T25:00", "9999-12-31T23:59", "0001-01-01T00:00", "24:00", "23:60", "-01:00",
    ];

    public static readonly string[] ExtremeNumbers =
    [
        "2147483647", "-2147483648", "2147483648", "-2147483649", "-1", "0", "-0", "1e308", "-1e308", "1e309", "NaN", "Infinity", "-Infinity",
        "0.5", "1,5", "9223372036854775808", "99999999999999999999999999999", "0x7fffffff", "+1", "1e-400", "٣",
    ];

    public static readonly string[] WrongTypeStrings = ["abc", "12abc", "not-a-date", "yesterday", "12/31/2026", "31.12.2026", "true", "on", "[]", "{}", "not-a-guid", "00000000-0000-0000-0000-000000000000", "\"999\"", "W/\"x\""];

    public static readonly string[] BadOptions = ["Nonsense", "PracticeAdmin", "Therapist", "Admin", "System", "999", "-1", "0", "true", "ClientLed,TherapistLed", "client"];

    public static readonly string[] UnknownNames =
    [
        "Input.Role", "Role", "IsAdmin", "Input.IsAdmin", "PracticeId", "Input.PracticeId", "AuthorId", "UserId", "Id", "Input.Id", "Status", "CreatedAt",
        "__proto__", "constructor", "Input[0]", "Input.Email.Length", "a.b.c.d.e.f.g", "Input..Email", "[0]", "_handler2", "ReturnUrl",
    ];

    /// <summary>The body of one generated submission to <paramref name="form"/>; <paramref name="otherHandlers"/> are form names seen elsewhere.</summary>
    public static FormSubmission Build(PageForm form, FormPlan plan, IReadOnlyList<string> otherHandlers, DateTimeOffset now)
    {
        var random = new Random(plan.Seed);
        var fields = new List<(string Name, string Value)>();
        var files = new List<(string Name, byte[] Content)>();
        var notes = new List<string>();
        for (var i = 0; i < form.Fields.Count; i++)
        {
            var field = form.Fields[i];
            var mutation = plan.MutationOf(i, form.Fields.Count);
            if (field.Kind == "file")
            {
                var (file, about) = File(mutation, random);
                if (file is not null)
                {
                    files.Add((field.Name, file));
                }

                notes.Add($"{field.Name}=<file: {about}>");
                continue;
            }

            var values = Values(field, mutation, random, now);
            foreach (var value in values)
            {
                fields.Add((field.Name, value));
            }

            if (mutation != FieldMutation.Sensible)
            {
                notes.Add($"{field.Name} {mutation}: {(values.Count == 0 ? "(left out)" : string.Join(" + ", values.Select(v => Show(v))))}");
            }
        }

        var handler = form.Handler;
        var shape = plan.FormShape;
        switch (shape)
        {
            case FormShape.UnknownFields:
                for (var n = random.Next(1, 5); n > 0; n--)
                {
                    var name = UnknownNames[random.Next(UnknownNames.Length)];
                    var value = random.Next(3) switch { 0 => "true", 1 => Guid.NewGuid().ToString(), _ => OddStrings[random.Next(OddStrings.Length)] };
                    fields.Add((name, value));
                    notes.Add($"extra {name}={Show(value)}");
                }

                break;
            case FormShape.WrongFormName:
                handler = random.Next(5) switch
                {
                    0 => "",
                    1 => new string('h', 10_000),
                    2 => (handler ?? "") + "\u0000",
                    3 => (handler ?? "").ToUpperInvariant() + "-nope",
                    _ => otherHandlers.Count > 0 ? otherHandlers[random.Next(otherHandlers.Count)] : "nope",
                };
                notes.Add($"form name {Show(handler)}");
                break;
            case FormShape.NoFormName:
                handler = null;
                notes.Add("no form name");
                break;
            case FormShape.TwoFormNames:
                fields.Insert(0, (HtmlForms.HandlerField, otherHandlers.Count > 0 ? otherHandlers[random.Next(otherHandlers.Count)] : "other"));
                notes.Add("two form names");
                break;
            case FormShape.TooManyFields:
                // More than FormOptions.ValueCountLimit (1,024) values.
                var count = 1_025 + random.Next(1_000);
                for (var n = 0; n < count; n++)
                {
                    fields.Add(($"f{n}", "x"));
                }

                notes.Add($"{count} extra fields");
                break;
            case FormShape.OverlongValue:
                // Past FormOptions.ValueLengthLimit (4 MiB) in one value.
                var victim = form.Fields.FirstOrDefault(f => f.Kind is "text" or "textarea" or "email" or "hidden")?.Name ?? "big";
                fields.Add((victim, new string('z', 4 * 1024 * 1024 + 10)));
                notes.Add($"{victim} of 4 MiB + 10 chars");
                break;
        }

        if (handler is not null && shape != FormShape.TwoFormNames)
        {
            fields.Insert(0, (HtmlForms.HandlerField, handler));
        }
        else if (shape == FormShape.TwoFormNames && form.Handler is not null)
        {
            fields.Insert(1, (HtmlForms.HandlerField, form.Handler));
        }

        if (form.Token is not null)
        {
            fields.Add((HtmlForms.TokenField, form.Token));
        }

        HttpContent? content;
        switch (shape)
        {
            case FormShape.NoBody:
                content = null;
                notes.Add("no body");
                break;
            case FormShape.BrokenEncoding:
                var broken = new[] { "%", "%ZZ", "a=%E0%A4", "&&&=&", "=", "===", "%FF%FE=%C0%AF", "x=%uD800", "\u0000=\u0000", "a[=b", "+%2B+=++" }[random.Next(11)];
                var body = Encoding.ASCII.GetBytes(UrlEncoded(fields) + "&" + broken);
                content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
                notes.Add($"broken encoding '{Show(broken)}' appended");
                break;
            case FormShape.WrongContentType:
                switch (random.Next(5))
                {
                    case 0:
                        var json = fields.GroupBy(f => f.Name, StringComparer.Ordinal)
                            .ToDictionary(g => g.Key, g => g.Count() == 1 ? (object)g.First().Value : g.Select(f => f.Value).ToArray(), StringComparer.Ordinal);
                        content = new StringContent(System.Text.Json.JsonSerializer.Serialize(json), Encoding.UTF8, "application/json");
                        notes.Add("sent as JSON");
                        break;
                    case 1:
                        content = new StringContent(UrlEncoded(fields), Encoding.UTF8, "text/plain");
                        notes.Add("sent as text/plain");
                        break;
                    case 2:
                        content = form.Multipart ? UrlEncodedContent(fields) : Multipart(fields, files);
                        notes.Add(form.Multipart ? "sent urlencoded to a multipart form" : "sent as multipart");
                        break;
                    case 3:
                        content = new ByteArrayContent(Encoding.ASCII.GetBytes("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n"));
                        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=x");
                        notes.Add("truncated multipart");
                        break;
                    default:
                        content = new ByteArrayContent(Encoding.UTF8.GetBytes(UrlEncoded(fields)));
                        content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded; charset=nonsense-7");
                        notes.Add("unknown charset");
                        break;
                }

                break;
            default:
                content = form.Multipart ? Multipart(fields, files) : UrlEncodedContent(fields);
                break;
        }

        var description = $"form '{form.Handler}' ({plan}): " + (notes.Count == 0 ? "all fields sensible" : string.Join("; ", notes));
        return new FormSubmission(form.Action, content, description);
    }

    /// <summary>The values sent for one field (none: left out; two: duplicated).</summary>
    private static List<string> Values(FormField field, FieldMutation mutation, Random random, DateTimeOffset now)
    {
        var max = field.MaxLength;
        switch (mutation)
        {
            case FieldMutation.LeftOut:
                return [];
            case FieldMutation.Empty:
                return [""];
            case FieldMutation.WhitespaceOnly:
                return [Pick(Whitespace, random)];
            case FieldMutation.AtMaxLength:
                return [Text(max ?? 4_000, random)];
            case FieldMutation.PastMaxLength:
                return [Text(max is { } m ? m + 1 : 10_001, random)];
            case FieldMutation.Huge:
                return [Text(random.Next(2) == 0 ? 100_001 : 300_000, random)];
            case FieldMutation.WrongType:
                return [field switch
                {
                    { Kind: "json" } => Pick(BrokenJson, random),
                    { IsNumber: true } => Pick(["abc", "12abc", "1,5", "0x1F", "", "--1", "1 2", "½"], random),
                    { IsDate: true } => Pick(["yesterday", "12/31/2026", "31.12.2026", "2026-12-01T10:00:00Z", "2026/12/01", "20261201", "10am"], random),
                    { Kind: "email" } => Pick(["not-an-email", "a@", "@b", "a@b@c", "<a@b.c>", "a@b.c, c@d.e", "a@b.c\r\nBcc: x@y.z", "\"a\"@[127.0.0.1]"], random),
                    { Kind: "checkbox" } => Pick(["maybe", "2", "-1", "yes please", "False,True"], random),
                    _ => Pick(WrongTypeStrings, random),
                }];
            case FieldMutation.BoundaryDate:
                return [Pick(BadDates, random)];
            case FieldMutation.ExtremeNumber:
                return [field switch
                {
                    { IsNumber: true, Min: { } min } when random.Next(3) == 0 => Shift(min, -1),
                    { IsNumber: true, Max: { } mx } when random.Next(3) == 0 => Shift(mx, 1),
                    _ => Pick(ExtremeNumbers, random),
                }];
            case FieldMutation.OddCharacters:
                var odd = Pick(OddStrings, random);
                return [random.Next(2) == 0 ? odd : $"Fuzz {odd} text"];
            case FieldMutation.NotAnOption:
                return [field.Options.Count > 0 && random.Next(4) == 0 ? field.Options[random.Next(field.Options.Count)] + " " : Pick(BadOptions, random)];
            case FieldMutation.Duplicated:
                var first = Sensible(field, random, now) ?? "a";
                var second = field.Options.Count > 1 ? field.Options[random.Next(field.Options.Count)] : random.Next(2) == 0 ? Text(100_001, random) : Pick(OddStrings, random);
                return [first, second];
            default:
                return Sensible(field, random, now) is { } value ? [value] : [];
        }
    }

    /// <summary>A value the page would accept, mostly: the rendered value, an option, a date ahead, a short text within maxlength.</summary>
    public static string? Sensible(FormField field, Random random, DateTimeOffset now)
    {
        if (field.Trap)
        {
            // A person's browser sends the honeypot as rendered: empty.
            return field.Value ?? "";
        }

        switch (field.Kind)
        {
            case "hidden":
                return field.Value ?? "";
            case "json":
                // A script's answer (a passkey): left out unless a case asks for it, so the rest of the form is reached.
                return null;
            case "select" or "radio":
                return field.Options.Count == 0 ? field.Value : random.Next(3) == 0 && field.Value is not null ? field.Value : field.Options[random.Next(field.Options.Count)];
            case "submit":
                return field.Options[random.Next(field.Options.Count)];
            case "checkbox":
                return random.Next(2) == 0 ? field.Options[0] : null;
            case "email":
                return field.Value ?? $"fuzz{random.Next(10_000)}@example.test";
            case "password":
                return "Fuzz-password-2026!";
            case "number" or "range":
                var low = double.TryParse(field.Min, CultureInfo.InvariantCulture, out var mn) ? mn : 0;
                var high = double.TryParse(field.Max, CultureInfo.InvariantCulture, out var mx) ? mx : low + 10;
                return field.Value ?? ((int)(low + random.Next((int)Math.Max(1, Math.Min(high - low + 1, 1_000))))).ToString(CultureInfo.InvariantCulture);
            case "date":
                return now.AddDays(random.Next(1, 60)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            case "datetime-local":
                return now.AddDays(random.Next(1, 60)).ToString("yyyy-MM-dd'T'10:00", CultureInfo.InvariantCulture);
            case "time":
                return "10:30";
            case "tel":
                return "+44 20 7946 0000";
            case "url":
                return "https://example.test/";
            default:
                if (field.Value is not null && random.Next(2) == 0)
                {
                    return field.Value;
                }

                var text = $"Fuzz text {random.Next(10_000)}";
                return field.MaxLength is { } m && text.Length > m ? text[..m] : text;
        }
    }

    private static (byte[]? File, string About) File(FieldMutation mutation, Random random)
    {
        var mood = SampleQuestionnaires.MoodCheck().Replace("mood-check", $"fuzz-{random.Next(100_000)}", StringComparison.Ordinal);
        return mutation switch
        {
            FieldMutation.LeftOut => (null, "left out"),
            FieldMutation.Empty or FieldMutation.WhitespaceOnly => (Encoding.UTF8.GetBytes(mutation == FieldMutation.Empty ? "" : " \n"), "empty"),
            FieldMutation.AtMaxLength or FieldMutation.PastMaxLength or FieldMutation.Huge =>
                (Encoding.UTF8.GetBytes("{\"resourceType\":\"Questionnaire\",\"status\":\"active\",\"title\":\"" + new string('q', mutation == FieldMutation.AtMaxLength ? 900_000 : 2_000_000) + "\"}"), "a questionnaire of 1-2 MB"),
            FieldMutation.WrongType => (Encoding.UTF8.GetBytes(Pick(["hello", "[1,2,3]", "\"text\"", "{\"resourceType\":\"Patient\"}", "<xml/>", "null"], random)), "not a questionnaire"),
            FieldMutation.BoundaryDate or FieldMutation.ExtremeNumber =>
                (Encoding.UTF8.GetBytes(mood.Replace("\"valueDecimal\": 3", "\"valueDecimal\": 1e308", StringComparison.Ordinal).Replace("\"version\": \"2\"", "\"version\": \"" + new string('9', 500) + "\"", StringComparison.Ordinal)), "extreme numbers and version"),
            FieldMutation.OddCharacters => (Encoding.UTF8.GetBytes(mood.Replace("Mood check", "Mood \\u0000 \\ud800 \u202e check", StringComparison.Ordinal)), "odd characters in the title"),
            FieldMutation.NotAnOption => (Encoding.UTF8.GetBytes(new string('[', 5_000) + new string(']', 5_000)), "deeply nested JSON"),
            FieldMutation.Duplicated => ([0xFF, 0xFE, 0x00, 0x7B, 0x22], "invalid UTF-8"),
            _ => (Encoding.UTF8.GetBytes(mood), "a small valid questionnaire"),
        };
    }

    private static string Shift(string number, int by) =>
        double.TryParse(number, CultureInfo.InvariantCulture, out var n) ? (n + by).ToString(CultureInfo.InvariantCulture) : number;

    private static string Pick(string[] options, Random random) => options[random.Next(options.Length)];

    /// <summary>Text of exactly <paramref name="length"/> UTF-16 units (what maxlength counts), of plain, accented or astral characters.</summary>
    private static string Text(int length, Random random)
    {
        var unit = random.Next(4) switch { 0 => "é", 1 => "😀", 2 => "word ", _ => "x" };
        var builder = new StringBuilder(length + 8);
        while (builder.Length < length)
        {
            builder.Append(unit);
        }

        var text = builder.ToString(0, length);
        // Never end on half of a surrogate pair by accident: that is a separate case (OddStrings).
        return char.IsHighSurrogate(text[^1]) ? text[..^1] + "x" : text;
    }

    private static ByteArrayContent UrlEncodedContent(List<(string Name, string Value)> fields)
    {
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(UrlEncoded(fields)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        return content;
    }

    private static MultipartFormDataContent Multipart(List<(string Name, string Value)> fields, List<(string Name, byte[] Content)> files)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value), name);
        }

        foreach (var (name, bytes) in files)
        {
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            content.Add(file, name, "questionnaire.json");
        }

        return content;
    }

    /// <summary>Form-urlencoded by hand, so a lone surrogate goes out as the (invalid) UTF-8 bytes of its code unit, as a hostile client could send it.</summary>
    public static string UrlEncoded(IEnumerable<(string Name, string Value)> fields) =>
        string.Join("&", fields.Select(f => Encode(f.Name) + "=" + Encode(f.Value)));

    private static string Encode(string text)
    {
        var builder = new StringBuilder(text.Length * 3);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~')
            {
                builder.Append(c);
            }
            else if (c == ' ')
            {
                builder.Append('+');
            }
            else
            {
                int codePoint = c;
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    codePoint = char.ConvertToUtf32(c, text[i + 1]);
                    i++;
                }

                foreach (var b in Utf8(codePoint))
                {
                    builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }
        }

        return builder.ToString();
    }

    /// <summary>UTF-8 bytes of a code point, surrogates included (as WTF-8 would write them).</summary>
    private static byte[] Utf8(int c) => c switch
    {
        < 0x80 => [(byte)c],
        < 0x800 => [(byte)(0xC0 | (c >> 6)), (byte)(0x80 | (c & 0x3F))],
        < 0x10000 => [(byte)(0xE0 | (c >> 12)), (byte)(0x80 | ((c >> 6) & 0x3F)), (byte)(0x80 | (c & 0x3F))],
        _ => [(byte)(0xF0 | (c >> 18)), (byte)(0x80 | ((c >> 12) & 0x3F)), (byte)(0x80 | ((c >> 6) & 0x3F)), (byte)(0x80 | (c & 0x3F))],
    };

    /// <summary>A value as a failure message shows it: control and invisible characters escaped, long ones cut.</summary>
    public static string Show(string? value)
    {
        if (value is null)
        {
            return "(none)";
        }

        var builder = new StringBuilder();
        var shown = value.Length > 60 ? value[..60] : value;
        for (var i = 0; i < shown.Length; i++)
        {
            var c = shown[i];
            if (char.IsHighSurrogate(c) && i + 1 < shown.Length && char.IsLowSurrogate(shown[i + 1]))
            {
                // A whole astral character (an emoji) shows as itself; only a lone half is escaped.
                builder.Append(c).Append(shown[++i]);
                continue;
            }

            builder.Append(c is < ' ' or (>= '\u007f' and <= '\u00a0') or (>= '\u2000' and <= '\u206f') or (>= '\ud800' and <= '\udfff') or '\ufeff' or '\ufffe' or '\uffff'
                ? $"\\u{(int)c:x4}"
                : c.ToString());
        }

        return value.Length > 60 ? $"\"{builder}...\" ({value.Length:N0} chars)" : $"\"{builder}\"";
    }
}
