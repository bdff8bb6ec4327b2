package fr.cantou.visio;

import fr.cantou.platform.json.Json;
import fr.cantou.realtime.Audience;
import fr.cantou.realtime.EventOutbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.util.UUID;

/**
 * An appointment's events reach whoever may open it ({@link VisioVisibility}): its agents, its booker, its citizen;
 * and, once a point's screen checked her in, that screen, in the variant its GET shows ({@link #KIOSK}).
 */
final class VisioEvents {
  /** The kinds of an appointment's events (docs/realtime.md); each carries the appointment. */
  static final String BOOKED = "appointment.booked";
  static final String CHANGED = "appointment.changed";
  static final String CANCELLED = "appointment.cancelled";
  static final String WAITING = "appointment.waiting";
  static final String IN_CALL = "appointment.in_call";
  static final String COMPLETED = "appointment.completed";
  static final String NO_SHOW = "appointment.no_show";
  /** "Terminé" or "Absent" taken back ({@link OutcomeUndo}). */
  static final String REOPENED = "appointment.reopened";
  /** A service, a point or an agent's calendar changed: every node recomputes its slots. */
  static final String CALENDAR_CHANGED = "visio.calendar.changed";
  /** A slot held for someone on the waiting list, or let go: the slots of every node (nobody's page). */
  static final String SLOT_HELD = "visio.slot.held";
  static final String SLOT_RELEASED = "visio.slot.released";
  /**
   * An appointment as the screen that checked her in sees it ({@link KioskService.KioskAppointment}: the time, the
   * first name's initial, the service, the status; never a name, a contact or a reference), to that screen only.
   */
  static final String KIOSK = "kiosk.appointment";

  private final EventOutbox outbox;
  private final KioskStore kiosks;
  private final java.time.Clock clock;

  VisioEvents(EventOutbox outbox, KioskStore kiosks, java.time.Clock clock) {
    this.outbox = outbox;
    this.kiosks = kiosks;
    this.clock = clock;
  }

  /** The keys of an appointment's JSON that hold the citizen's data (name, contacts, note, needs). */
  private static final java.util.List<String> CITIZEN_DATA_KEYS = java.util.List.of("citizen", "note", "accessibility");
  /** What a screen's variant ({@link KioskService#shown}) holds of her: her first name's initial. */
  private static final java.util.List<String> SCREEN_CITIZEN_KEYS = java.util.List.of("initial");

  /**
   * An erasure: the citizen's data taken out of every event about these appointments still in the outbox too, the
   * screens' variant's initial with it (a resume the same day would show it again).
   */
  Future<Void> forgetCitizens(SqlClient tx, java.util.List<UUID> appointments) {
    return outbox.redact(tx, "appointment.", appointments, CITIZEN_DATA_KEYS)
        .compose(n -> outbox.redact(tx, KIOSK, appointments, SCREEN_CITIZEN_KEYS)).mapEmpty();
  }

  Future<Void> publish(SqlClient tx, String kind, Appointment a) {
    return outbox.appendValue(tx, kind, VisioVisibility.of(a), a).compose(id -> toScreen(tx, kind, a));
  }

  /**
   * A change of time also says the time it leaves, which is free again (for the slots of every node), and whose it was
   * (the agent it leaves hears of it: her page says her own appointments' news only).
   */
  Future<Void> publishMove(SqlClient tx, Appointment before, Appointment after) {
    JsonObject previous = new JsonObject(Json.encode(java.util.Map.of("start", before.start(), "end", before.end())))
        .put("agentId", before.agentId());
    // Told first (the screen that checked her in hears the new day), then its sight of it bounded (V98).
    return publish(tx, CHANGED, after, new JsonObject(Json.encode(after)).put("previous", previous))
        .compose(v -> kiosks.movedAway(tx, UUID.fromString(after.id()), after.start().toInstant(), clock.instant()));
  }

  private Future<Void> publish(SqlClient tx, String kind, Appointment a, JsonObject data) {
    return outbox.append(tx, kind, VisioVisibility.of(a), data).compose(id -> toScreen(tx, kind, a));
  }

  /**
   * The screen that checked her in today hears of her appointment too, in its own variant, as its GET shows it: moved
   * to another day while she waits there, it is told (and says the new day), as it is told a cancellation. A new
   * booking has no check-in yet (the booking path reads nothing more); only an appointment at a point can have one.
   */
  private Future<Void> toScreen(SqlClient tx, String kind, Appointment a) {
    if (BOOKED.equals(kind) || a.pointId() == null) {
      return Future.succeededFuture();
    }
    UUID id = UUID.fromString(a.id());
    return kiosks.watching(tx, id, UUID.fromString(a.pointId()), clock.instant()).compose(screen -> screen.isEmpty()
        ? Future.succeededFuture()
        : outbox.appendValue(tx, KIOSK, Audience.device(screen.get()), KioskService.shown(a)).mapEmpty());
  }

  /**
   * A point withdrawn: its screens' HTTP is refused (403) and a new hello of theirs too, so every node closes their open
   * sockets (4401), as for a revoked screen, and writes them nothing more ({@link KioskStore#watching} needs the point
   * active).
   */
  Future<Void> pointWithdrawn(SqlClient tx, UUID pointId) {
    return kiosks.pairedScreens(tx, pointId).compose(screens -> fr.cantou.platform.Futures.inOrder(screens,
        screen -> screenRevoked(tx, screen))).mapEmpty();
  }

  /** A point's screen was revoked: every node closes its sockets (4401). */
  Future<Void> screenRevoked(SqlClient tx, UUID kioskId) {
    return outbox.append(tx, fr.cantou.realtime.DeviceEvents.REVOKED, Audience.none(),
        fr.cantou.realtime.DeviceEvents.revoked(kioskId)).mapEmpty();
  }

  /**
   * The appointment's manage links were renewed ({@code version}) or are valid until another time
   * (it moved): every node closes the sockets opened with an older link and ends the others then.
   */
  Future<Void> linksChanged(SqlClient tx, UUID appointmentId, int version, java.time.Instant validUntil) {
    return outbox.append(tx, fr.cantou.realtime.ManageLinkEvents.CHANGED, Audience.none(),
        fr.cantou.realtime.ManageLinkEvents.data(appointmentId, version, validUntil)).mapEmpty();
  }

  /** A slot held as an offer: every node takes it out of its free slots. */
  Future<Void> slotHeld(SqlClient tx, Appointment a) {
    return outbox.append(tx, SLOT_HELD, Audience.none(), new JsonObject().put("agentId", a.agentId())
        .put("pointId", a.pointId()).put("start", a.start().toString()).put("end", a.end().toString())).mapEmpty();
  }

  /** A held slot let go: every node computes the slots of its time again. */
  Future<Void> slotReleased(SqlClient tx, WaitingListStore.Released r) {
    return outbox.append(tx, SLOT_RELEASED, Audience.none(), new JsonObject()
        .put("start", VisioStore.utc(r.start()).toString()).put("end", VisioStore.utc(r.end()).toString())).mapEmpty();
  }

  /** A service or a point changed or was withdrawn: every node recomputes its slots. */
  Future<Void> catalogueChanged(SqlClient tx) {
    return outbox.append(tx, CALENDAR_CHANGED, Audience.none(), new JsonObject()).mapEmpty();
  }

  /** An agent's ranges, leave or services changed: every node recomputes its slots; the agents' pages reload. */
  Future<Void> calendarChanged(SqlClient tx, UUID agentId, UUID organisationId) {
    return outbox.append(tx, CALENDAR_CHANGED, VisioVisibility.administration(organisationId),
        new JsonObject().put("agentId", agentId.toString())).mapEmpty();
  }
}
