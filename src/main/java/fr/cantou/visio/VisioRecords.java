package fr.cantou.visio;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.List;

/** The values of visio-accueil that travel as JSON, and the request bodies. */
public final class VisioRecords {
  private VisioRecords() {}

  public record Service(String id, String name, String administration, String organisationId, int durationMinutes,
                        String description, List<String> documents, String timeZone) {}

  /**
   * {@code organisationId}: the France Services house or tiers-lieu that runs it (its mediators book from it), or null;
   * {@code phone}: its reception's (a mairie's), null when none was given (an appointment there shows the organisation's).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Point(String id, String name, String commune, String kind, String address, List<Hours> hours,
                      String organisationId, String phone) {}

  public record Hours(int weekday, LocalTime start, LocalTime end) {}

  public record SlotView(OffsetDateTime start, OffsetDateTime end) {}

  public record Booking(String serviceId, OffsetDateTime start, String pointId, CitizenBody citizen, String note,
                        List<String> accessibility) {}

  public record CitizenBody(String name, String email, String phone) {}

  public record Reschedule(OffsetDateTime start) {}

  /** A lost manage link asked again: the reference and the e-mail address or phone number booked with. */
  public record LostLink(String reference, String contact) {}

  public record PresenceBody(String state) {}

  public record NewService(String organisationId, String name, String description, List<String> documents,
                           int durationMinutes, String referencePrefix) {}

  public record ServiceChange(String name, String description, List<String> documents, int durationMinutes) {}

  /** {@code phone}: its reception's; omitted, it has none of its own (that of the organisation running it shows). */
  public record PointChange(String name, String commune, String kind, String address, List<Hours> hours, String phone) {}

  public record NewPoint(String name, String commune, String kind, String address, String organisationId,
                         List<Hours> hours, String phone) {}

  public record Availability(List<String> serviceIds, List<Hours> weekly, int bufferMinutes, int minNoticeMinutes,
                             int horizonDays) {}

  /** How many agents a closure of their administration was entered for. */
  public record Closure(int agents) {}

  public record NewException(OffsetDateTime start, OffsetDateTime end, String reason) {}

  public record ExceptionView(long id, OffsetDateTime start, OffsetDateTime end, String reason) {}

  public record AvailabilityView(String agentId, String agentName, List<String> serviceIds, List<Hours> weekly,
                                 int bufferMinutes, int minNoticeMinutes, int horizonDays, List<ExceptionView> exceptions) {}

  /** Everything Cantou holds about one appointment (RGPD article 15): the appointment, the mails and the audit. */
  /** A place on a waiting list as held: the person's name and contacts, the service, and the slot held for her if any. */
  public record WaitingPlaceHeld(java.util.UUID id, java.util.UUID serviceId, String serviceName, String administration, String state,
                                 String name, String email, String phone, OffsetDateTime joinedAt,
                                 OffsetDateTime offeredStart, OffsetDateTime offerExpiresAt) {}

  /** An offer made to a waiting-list place: the start offered, when, how it ended (null: still held) and when. */
  public record WaitingOfferMade(OffsetDateTime start, OffsetDateTime offeredAt, String outcome, OffsetDateTime endedAt) {}

  /** Everything held about a waiting-list place, for its holder (RGPD article 15). */
  public record WaitingPlaceData(OffsetDateTime exportedAt, WaitingPlaceHeld place, List<WaitingOfferMade> offers,
                                 List<fr.cantou.platform.db.PersonalDataAudit.Entry> audit) {}

  public record PersonalData(OffsetDateTime exportedAt, Appointment appointment, java.time.Instant erasedAt,
                             List<CitizenDataStore.MailRecord> mails, List<fr.cantou.platform.db.PersonalDataAudit.Entry> audit) {}

  /** An erasure done (RGPD article 17); cancelled says the appointment, still to come, was cancelled first. */
  public record Erasure(boolean erased, boolean cancelled, OffsetDateTime erasedAt) {}

  /** A place asked on a service's waiting list (and at a point, if she wants one). */
  public record WaitingBody(String serviceId, String pointId, CitizenBody citizen) {}

  /** A place on a waiting list as its holder sees it; {@code token} only in the answer to joining. */
  public record WaitingEntry(String id, String token, String serviceId, String serviceName, String administration,
                             String pointId, String state, OffsetDateTime joinedAt, int ahead, WaitingOffer offer) {}

  /** The slot held for her, and until when ({@code minutesLeft}: by the server's clock, rounded up). */
  public record WaitingOffer(OffsetDateTime start, OffsetDateTime end, String pointName, String pointCommune,
                             OffsetDateTime expiresAt, long minutesLeft, String timeZone) {}

  /** How many wait in a service's line: for a slot, and with one held for them now. */
  public record WaitingLength(String serviceId, int waiting, int offered) {}
}
