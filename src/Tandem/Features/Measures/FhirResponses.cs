using System.Text.Json;
using Tandem.Features.Engagements;
using Tandem.Features.Measures.Instruments;
using FM = Hl7.Fhir.Model;

namespace Tandem.Features.Measures;

/// <summary>Builds and reads the stored FHIR R4 QuestionnaireResponse of a submission (Firely SDK).</summary>
public static class FhirResponses
{
    public static string Build(Guid id, Instrument instrument, IReadOnlyList<ValidAnswer> answers, Guid respondentId, ParticipantRole role, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(answers);
        var response = new FM.QuestionnaireResponse
        {
            Id = id.ToString(),
            Questionnaire = instrument.Questionnaire.Url,
            Status = FM.QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            Authored = at.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            Author = new FM.ResourceReference((role == ParticipantRole.Therapist ? "Practitioner/" : "Patient/") + respondentId),
        };
        if (role == ParticipantRole.Client)
        {
            response.Subject = new FM.ResourceReference("Patient/" + respondentId);
        }

        foreach (var answer in answers.OrderBy(a => IndexOf(instrument, a.Item)))
        {
            FM.DataType value = answer.Option switch
            {
                { ValueType: OptionValueType.WholeNumber } o => new FM.Integer(int.Parse(o.Code, System.Globalization.CultureInfo.InvariantCulture)),
                { ValueType: OptionValueType.Text } o => new FM.FhirString(o.Display),
                { } o => new FM.Coding(o.System.Length == 0 ? null : o.System, o.Code, o.Display),
                null => new FM.FhirString(answer.Text),
            };
            response.Item.Add(new FM.QuestionnaireResponse.ItemComponent
            {
                LinkId = answer.Item.LinkId,
                Text = answer.Item.Text,
                Answer = [new FM.QuestionnaireResponse.AnswerComponent { Value = value }],
            });
        }

        return JsonSerializer.Serialize(response, InstrumentCatalog.FhirJson);
    }

    /// <summary>The answers back as linkId to (score, text), for the pages and the API.</summary>
    public static IReadOnlyList<(string LinkId, int? Score, string? Text)> Read(Instrument instrument, string json)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var response = JsonSerializer.Deserialize<FM.QuestionnaireResponse>(json, InstrumentCatalog.FhirJson)!;
        return response.Item.Select(i =>
        {
            var value = i.Answer.FirstOrDefault()?.Value;
            var item = instrument.Item(i.LinkId ?? "");
            return value switch
            {
                FM.Coding c => (i.LinkId ?? "", item?.Options.FirstOrDefault(o => o.Code == c.Code)?.Score, (string?)null),
                FM.Integer n => (i.LinkId ?? "", item?.Options.FirstOrDefault(o => o.ValueType == OptionValueType.WholeNumber && o.Code == n.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture))?.Score, (string?)null),
                FM.FhirString s when item?.Kind == ItemKind.Choice => (i.LinkId ?? "", item.Options.FirstOrDefault(o => o.ValueType == OptionValueType.Text && o.Display == s.Value)?.Score, (string?)null),
                FM.FhirString s => (i.LinkId ?? "", (int?)null, s.Value),
                _ => (i.LinkId ?? "", (int?)null, (string?)null),
            };
        }).ToList();
    }

    private static int IndexOf(Instrument instrument, InstrumentItem item)
    {
        for (var i = 0; i < instrument.Items.Count; i++)
        {
            if (instrument.Items[i].LinkId == item.LinkId)
            {
                return i;
            }
        }

        return int.MaxValue;
    }
}
