package fr.cantou.teleconsult;

import java.time.OffsetDateTime;

/** What a nurse sends to start a teleconsultation (validated by the OpenAPI document first). */
public record NewTeleconsultation(Patient patient, String reason, String specialty, String urgency, Consent consent,
                                  String preferredDoctorId, OffsetDateTime plannedAt,
                                  VitalSigns.Measured vitalSigns, String kind) {

  public record Patient(String reference, String initials, Integer birthYear) {}

  public record Consent(Boolean given, String by) {}

  record Completion(String report, String outcome) {}
}
