package fr.cantou.visio;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * An appointment as its citizen, its agent and its mediator see it (never with the manage token). {@code pointPhone}: the
 * phone of its point visio-accueil's reception, or else of the organisation running it, to call her there; {@code citizenVideoFailedSide}: beside
 * {@code citizenVideoFailedAt}, whose video failed (her link, the mediator beside her, the point's screen);
 * {@code companionInRoom}: the name of the professional beside her who is not her side ({@link MeetingService.Standing#COMPANION})
 * while she says she is in the room, for the agent's card (seen in the video only, nobody knew who she was).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Appointment(
    String id, String reference, String serviceId, String serviceName, String administration, String organisationId,
    OffsetDateTime start, OffsetDateTime end, String status, String pointId, String pointName, String pointCommune,
    String pointPhone, Citizen citizen, String note, List<String> accessibility, String agentId, String agentName, BookedBy bookedBy,
    boolean citizenWaiting, boolean agentJoined, OffsetDateTime citizenTriedAt, OffsetDateTime citizenVideoFailedAt,
    String citizenVideoFailedSide, String companionInRoom,
    OffsetDateTime joinOpensAt, Instant createdAt, String timeZone,
    @JsonIgnore int manageTokenVersion) {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Citizen(String name, String email, String phone) {}

  /**
   * Who booked it for her; {@code phone}: his house's (France Services, a mairie), to reach her through him;
   * {@code active}: false once his account is closed (nothing is sent to him then: the agent is told nobody hears of it).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record BookedBy(String id, String displayName, String phone, boolean active) {}

  public boolean open() {
    return "booked".equals(status) || "in_call".equals(status);
  }

  /**
   * Until when the room's way in is given: the end; while the call is on or she waits in the room, up to
   * {@link MeetingService#ROOM_OPEN_AFTER_END} more. Agents start late: a call running past its end whose phone
   * reloaded, or whose video dropped, is joined again, and an agent who comes late still finds her.
   */
  @com.fasterxml.jackson.annotation.JsonProperty("joinClosesAt")
  public OffsetDateTime joinClosesAt() {
    return "in_call".equals(status) || citizenWaiting ? end.plus(MeetingService.ROOM_OPEN_AFTER_END) : end;
  }
}
