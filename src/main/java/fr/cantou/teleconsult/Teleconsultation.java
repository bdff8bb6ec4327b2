package fr.cantou.teleconsult;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * A teleconsultation as its nurse and its doctor see it (and as events carry it). Once
 * {@code erasedAt} is set, its patient, reason, vital signs and report are gone (retention).
 * {@code vitalSigns}: the sets the nurse measured, oldest first (empty when none). {@code kind}:
 * {@code video} (a teleconsultation) or {@code opinion} (a téléexpertise: a written opinion, no
 * call needed); {@code messages}: what nurse and doctor wrote to each other on it, oldest first;
 * {@code files}: the photos and documents the nurse added, in the order she added them (metadata
 * only: the bytes are read one file at a time, GET …/files/{fileId}). {@code positionAtLeast}: true when more items
 * are ahead than a place is counted for ({@link TeleconsultStore#PLACES_COUNTED}): {@code position} and the estimate
 * are then lower bounds.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Teleconsultation(
    String id, String status, String urgency, String specialty, String reason, Patient patient,
    String organisationId, String organisationName, String organisationPhone, String nurseId, String nurseName,
    String doctorId, String doctorName, String preferredDoctorId,
    Integer position, Boolean positionAtLeast, Integer availableDoctors, Integer waitEstimateMinutes,
    boolean overdue, boolean escalated, Instant plannedAt, Instant queuedAt,
    Instant createdAt, Instant assignedAt, Instant startedAt, Instant completedAt, Instant cancelledAt,
    Participants participants, String report, String outcome, Consent consent, List<VitalSigns> vitalSigns,
    String kind, List<Message> messages, List<CareFile> files, Instant erasedAt) {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Patient(String reference, String initials, Integer birthYear) {}

  public record Consent(boolean given, String by, Instant at) {}

  /** A message of the written exchange: who wrote it (her side and name), what, when. */
  public record Message(String side, String authorName, String text, Instant at) {}

  /**
   * A photo or document of the item: its number in the item ({@code position}), the name she gave
   * it, the type read from its content, its size, when and by whom (her side and name) it was added.
   */
  public record CareFile(String id, int position, String name, String mediaType, long size, Instant addedAt,
                         String addedBy, String addedByName) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Participants(Instant nurseJoinedAt, Instant doctorJoinedAt) {}
}
