using System.Globalization;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Tandem.IntegrationTests.Security.Forms;

/// <summary>One control of a form, as the page rendered it.</summary>
/// <param name="Kind">The input's type (text, email, number, date, hidden, checkbox, radio, file, password...), or select, textarea, submit (a named button), json (what a script puts in the form).</param>
/// <param name="Value">What the page put in it (a hidden field's value, a prefilled text); null when empty.</param>
/// <param name="Options">A select's option values, a radio group's or named buttons' values, a checkbox's value.</param>
/// <param name="Trap">A field people never see (inside <c>aria-hidden</c>): a honeypot that only bots fill in.</param>
public sealed record FormField(string Name, string Kind, string? Value, int? MaxLength, string? Min, string? Max, bool Required, IReadOnlyList<string> Options, bool Trap = false)
{
    public bool IsNumber => Kind is "number" or "range";

    public bool IsDate => Kind is "date" or "datetime-local" or "time" or "month" or "week";

    public bool IsChoice => Kind is "select" or "radio" or "submit" or "checkbox";

    public override string ToString() => $"{Name} ({Kind}{(Trap ? ", trap" : "")}{(MaxLength is { } m ? $", max {m}" : "")}{(Min is null ? "" : $", min {Min}")}{(Max is null ? "" : $", max {Max}")}{(Required ? ", required" : "")}{(Options.Count > 0 ? $", options {string.Join("|", Options.Take(6))}" : "")})";
}

/// <summary>A <c>&lt;form method=post&gt;</c> of a page: where it posts, its form name (<c>_handler</c>), antiforgery token and controls.</summary>
/// <param name="Passkey">The passkey button's ceremony, when the form has one: its script asks for options first (with this header), then adds the browser's answer.</param>
public sealed partial record PageForm(string Action, string? Handler, string? Token, bool Multipart, IReadOnlyList<FormField> Fields, PasskeyCeremony? Passkey = null)
{
    /// <summary>The form name with the record ids in it folded (<c>answer-{id}</c>), to count forms rather than records.</summary>
    public string Kind => Handler is null ? "(no form name)" : IdPattern().Replace(Handler, "{id}");

    public override string ToString() => $"form '{Handler}' posting to {Action}: {string.Join(", ", Fields)}";

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32}")]
    private static partial Regex IdPattern();
}

/// <summary>Where a passkey form's script gets its options (POST, with the antiforgery token in a header) before it submits the form.</summary>
public sealed record PasskeyCeremony(string OptionsPath, string HeaderName, string HeaderValue);

/// <summary>Reads the post forms of a server-rendered page with AngleSharp, the way a browser would submit them.</summary>
public static class HtmlForms
{
    public const string HandlerField = "_handler";
    public const string TokenField = "__RequestVerificationToken";

    private static readonly HtmlParser Parser = new();

    /// <summary>Every form with method=post; <paramref name="pagePath"/> is the path (and query) the page was read from.</summary>
    public static IReadOnlyList<PageForm> Parse(string html, string pagePath)
    {
        using var document = Parser.ParseDocument(html);
        var baseHref = document.QuerySelector("base")?.GetAttribute("href") ?? "/";
        var root = new Uri(new Uri("https://localhost/"), baseHref);
        var forms = new List<PageForm>();
        foreach (var form in document.QuerySelectorAll("form").OfType<IHtmlFormElement>())
        {
            if (!string.Equals(form.GetAttribute("method"), "post", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var action = form.GetAttribute("action");
            var target = string.IsNullOrEmpty(action) ? pagePath : new Uri(root, action).PathAndQuery;
            var multipart = string.Equals(form.GetAttribute("enctype"), "multipart/form-data", StringComparison.OrdinalIgnoreCase);
            string? handler = null;
            string? token = null;
            var fields = new List<FormField>();
            foreach (var element in form.Elements)
            {
                var name = element.GetAttribute("name");
                if (string.IsNullOrEmpty(name) || element.HasAttribute("disabled"))
                {
                    continue;
                }

                if (name == HandlerField)
                {
                    handler = element.GetAttribute("value");
                    continue;
                }

                if (name == TokenField)
                {
                    token = element.GetAttribute("value");
                    continue;
                }

                var field = Read(element, name);
                if (field is null)
                {
                    continue;
                }

                if (element.Closest("[aria-hidden=true]") is not null)
                {
                    field = field with { Trap = true };
                }

                // Radio groups and buttons sharing a name are one field with several values.
                var same = fields.FindIndex(f => f.Name == name && f.Kind == field.Kind && f.Kind is "radio" or "submit" or "checkbox");
                if (same >= 0)
                {
                    var merged = fields[same];
                    fields[same] = merged with
                    {
                        Options = [.. merged.Options.Concat(field.Options).Distinct()],
                        Value = merged.Value ?? field.Value,
                        Required = merged.Required || field.Required,
                    };
                }
                else
                {
                    fields.Add(field);
                }
            }

            // The passkey button's custom element is form-associated: its script adds {name}.CredentialJson (the browser's
            // answer, JSON) or {name}.Error to the form. Those are fields of the form as much as the rendered ones.
            PasskeyCeremony? ceremony = null;
            foreach (var passkey in form.QuerySelectorAll("passkey-submit[name]"))
            {
                var name = passkey.GetAttribute("name");
                fields.Add(new FormField($"{name}.CredentialJson", "json", null, null, null, null, false, []));
                fields.Add(new FormField($"{name}.Error", "text", null, null, null, null, false, []));
                var options = passkey.GetAttribute("operation") == "Create" ? "/Account/PasskeyCreationOptions" : "/Account/PasskeyRequestOptions";
                ceremony = new PasskeyCeremony(options, passkey.GetAttribute("request-token-name") ?? "", passkey.GetAttribute("request-token-value") ?? "");
            }

            forms.Add(new PageForm(target, handler, token, multipart, fields, ceremony));
        }

        return forms;
    }

    private static FormField? Read(IElement element, string name)
    {
        var required = element.HasAttribute("required");
        switch (element)
        {
            case IHtmlSelectElement select:
                var options = select.Options.Select(o => o.GetAttribute("value") ?? o.TextContent.Trim()).ToList();
                var selected = select.Options.FirstOrDefault(o => o.HasAttribute("selected"));
                return new FormField(name, "select", selected?.GetAttribute("value") ?? options.FirstOrDefault(), null, null, null, required, options);
            case IHtmlTextAreaElement area:
                return new FormField(name, "textarea", Empty(area.TextContent), Int(area.GetAttribute("maxlength")), null, null, required, []);
            case IHtmlButtonElement button:
                // A named submit button sends its value with the form; reset and plain buttons send nothing.
                return (button.GetAttribute("type") ?? "submit").Equals("submit", StringComparison.OrdinalIgnoreCase)
                    ? new FormField(name, "submit", null, null, null, null, false, [button.GetAttribute("value") ?? ""])
                    : null;
            case IHtmlInputElement input:
                var type = (input.GetAttribute("type") ?? "text").ToLowerInvariant();
                var value = input.GetAttribute("value");
                return type switch
                {
                    "button" or "reset" or "image" => null,
                    "submit" => new FormField(name, "submit", null, null, null, null, false, [value ?? ""]),
                    "radio" => new FormField(name, "radio", input.HasAttribute("checked") ? value : null, null, null, null, required, [value ?? "on"]),
                    "checkbox" => new FormField(name, "checkbox", input.HasAttribute("checked") ? value ?? "on" : null, null, null, null, required, [value ?? "on"]),
                    _ => new FormField(name, type, Empty(value), Int(input.GetAttribute("maxlength")), Empty(input.GetAttribute("min")), Empty(input.GetAttribute("max")), required, []),
                };
            default:
                return null;
        }
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static int? Int(string? value) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : null;
}
