namespace Tandem.IntegrationTests.Support;

/// <summary>Questionnaires "from elsewhere" for the import tests (integration and browser).</summary>
public static class SampleQuestionnaires
{
    /// <summary>A small Questionnaire from elsewhere: one ordinalValue item, one itemWeight-on-Coding item, one free-text item.</summary>
    public static string MoodCheck() => """
        {
          "resourceType": "Questionnaire",
          "id": "mood-check",
          "url": "https://example.org/fhir/Questionnaire/mood-check",
          "version": "2",
          "name": "MoodCheck",
          "title": "Mood check",
          "status": "active",
          "item": [
            {
              "linkId": "mood", "text": "How was your mood this week?", "type": "choice", "required": true,
              "answerOption": [
                { "extension": [{ "url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": 0 }], "valueCoding": { "system": "https://example.org/mood", "code": "low", "display": "Low" } },
                { "extension": [{ "url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": 1 }], "valueCoding": { "system": "https://example.org/mood", "code": "mixed", "display": "Mixed" } },
                { "extension": [{ "url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": 3 }], "valueCoding": { "system": "https://example.org/mood", "code": "good", "display": "Good" } }
              ]
            },
            {
              "linkId": "sleep", "text": "How did you sleep?", "type": "choice",
              "answerOption": [
                { "valueCoding": { "extension": [{ "url": "http://hl7.org/fhir/StructureDefinition/itemWeight", "valueDecimal": 0 }], "code": "badly", "display": "Badly" } },
                { "valueCoding": { "extension": [{ "url": "http://hl7.org/fhir/StructureDefinition/itemWeight", "valueDecimal": 1 }], "code": "so-so", "display": "So-so" } },
                { "valueCoding": { "extension": [{ "url": "http://hl7.org/fhir/StructureDefinition/itemWeight", "valueDecimal": 2 }], "code": "well", "display": "Well" } },
                { "valueCoding": { "extension": [{ "url": "http://hl7.org/fhir/StructureDefinition/itemWeight", "valueDecimal": 3 }], "code": "very-well", "display": "Very well" } }
              ]
            },
            { "linkId": "notes", "text": "Anything you want to add?", "type": "text" }
          ]
        }
        """;

    /// <summary>A practice's own check-in that asks the risk question with its LOINC code (and LOINC answer codes).</summary>
    public static string WellbeingWithRiskQuestion() => """
        {
          "resourceType": "Questionnaire",
          "id": "wellbeing",
          "url": "https://example.org/fhir/Questionnaire/wellbeing",
          "name": "Wellbeing",
          "title": "Wellbeing check-in",
          "status": "active",
          "item": [
            {
              "linkId": "energy", "text": "How is your energy?", "type": "choice", "required": true,
              "answerOption": [
                { "extension": [{ "url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": 0 }], "valueCoding": { "system": "https://example.org/energy", "code": "low", "display": "Low" } },
                { "extension": [{ "url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": 1 }], "valueCoding": { "system": "https://example.org/energy", "code": "some", "display": "Some" } },
                { "extension": [{ "url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": 2 }], "valueCoding": { "system": "https://example.org/energy", "code": "good", "display": "Good" } }
              ]
            },
            {
              "linkId": "thoughts", "code": [{ "system": "http://loinc.org", "code": "44260-8" }], "type": "choice", "required": true,
              "text": "Over the last 2 weeks, how often have you had thoughts that you would be better off dead or of hurting yourself in some way?",
              "answerOption": [
                { "extension": [{ "url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": 0 }], "valueCoding": { "system": "http://loinc.org", "code": "LA6568-5", "display": "Not at all" } },
                { "extension": [{ "url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": 1 }], "valueCoding": { "system": "http://loinc.org", "code": "LA6569-3", "display": "Several days" } },
                { "extension": [{ "url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": 2 }], "valueCoding": { "system": "http://loinc.org", "code": "LA6570-1", "display": "More than half the days" } },
                { "extension": [{ "url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": 3 }], "valueCoding": { "system": "http://loinc.org", "code": "LA6571-9", "display": "Nearly every day" } }
              ]
            }
          ]
        }
        """;
}
