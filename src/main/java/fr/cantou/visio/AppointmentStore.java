package fr.cantou.visio;

import fr.cantou.platform.db.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static fr.cantou.visio.VisioStore.local;
import static fr.cantou.visio.VisioStore.utc;

/** SQL of an appointment once booked: read as the API shows it, listed, its status and manage links changed. */
final class AppointmentStore {
  /** An appointment as the API shows it, from the relation named (the table, or rows just inserted). */
  static final String APPOINTMENT_OF = """
      SELECT a.*, s.name AS service_name, s.organisation_id, o.name AS administration, o.time_zone,
             u.display_name AS agent_name, p.name AS point_name, p.commune AS point_commune, b.display_name AS booked_by_name,
             b.active AS booked_by_active, bo.phone AS booked_by_phone, COALESCE(p.phone, po.phone) AS point_phone,
             c.display_name AS companion_name
      FROM %s a
      JOIN visio_service s ON s.id = a.service_id
      JOIN organisation o ON o.id = s.organisation_id
      JOIN app_user u ON u.id = a.agent_id
      LEFT JOIN visio_point p ON p.id = a.point_id
      LEFT JOIN organisation po ON po.id = p.organisation_id
      LEFT JOIN app_user b ON b.id = a.booked_by
      LEFT JOIN organisation bo ON bo.id = b.organisation_id
      LEFT JOIN app_user c ON c.id = a.companion_in_room""";
  private static final String APPOINTMENT = APPOINTMENT_OF.formatted("appointment");

  Future<Optional<Appointment>> appointment(SqlClient db, UUID id, Duration joinOpensBefore) {
    return db.preparedQuery(APPOINTMENT + " WHERE a.id = $1").execute(Tuple.of(id))
        .map(rows -> Rows.first(rows).map(r -> appointment(r, joinOpensBefore)));
  }

  /** The address of whoever booked the appointment for the citizen, while his account is open. */
  Future<Optional<String>> bookerAddress(SqlClient db, UUID id) {
    return db.preparedQuery("SELECT u.email FROM appointment a JOIN app_user u ON u.id = a.booked_by AND u.active WHERE a.id = $1")
        .execute(Tuple.of(id))
        .map(rows -> Rows.first(rows).map(r -> r.getString("email")));
  }

  Future<String> roomName(SqlClient db, UUID id) {
    return db.preparedQuery("SELECT room_name FROM appointment WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.iterator().next().getString("room_name"));
  }

  /** An administration's appointments starting within the window (an agent's day view). */
  Future<List<Appointment>> forOrganisation(SqlClient db, UUID organisationId, Instant from, Instant to, Duration opens) {
    return db.preparedQuery(APPOINTMENT + " WHERE s.organisation_id = $1 AND a.status <> 'offered' AND a.starts_at >= $2 AND a.starts_at < $3"
            + " ORDER BY a.starts_at, a.reference")
        .execute(Tuple.of(organisationId, utc(from), utc(to)))
        .map(rows -> Rows.map(rows, r -> appointment(r, opens)));
  }

  /** What a mediator booked, from a time on. */
  Future<List<Appointment>> bookedBy(SqlClient db, UUID userId, Instant from, Instant to, Duration opens) {
    return db.preparedQuery(APPOINTMENT + " WHERE a.booked_by = $1 AND a.status <> 'offered' AND a.starts_at >= $2 AND a.starts_at < $3"
            + " ORDER BY a.starts_at, a.reference")
        .execute(Tuple.of(userId, utc(from), utc(to)))
        .map(rows -> Rows.map(rows, r -> appointment(r, opens)));
  }

  /**
   * What a professional booked for people with neither phone nor e-mail (V77), still to come: nothing reaches them but
   * through him.
   */
  Future<List<Appointment>> contactlessBookedBy(SqlClient db, UUID userId, Instant now, Duration opens) {
    return db.preparedQuery(APPOINTMENT + " WHERE a.booked_by = $1 AND a.citizen_email IS NULL AND a.citizen_phone IS NULL"
            + " AND a.erased_at IS NULL AND a.status IN ('booked', 'in_call') AND a.starts_at > $2 ORDER BY a.starts_at, a.reference")
        .execute(Tuple.of(userId, utc(now)))
        .map(rows -> Rows.map(rows, r -> appointment(r, opens)));
  }

  /** A conditional change of status: zero rows means the appointment was not in an expected state. */
  Future<Boolean> transition(SqlClient db, UUID id, List<String> from, String to, Instant now) {
    String stamp = switch (to) {
      case "cancelled" -> ", cancelled_at = $4";
      case "completed", "no_show" -> ", finished_at = $4";
      default -> ", agent_joined_at = COALESCE(agent_joined_at, $4)";
    };
    return db.preparedQuery("UPDATE appointment SET status = $3" + stamp + " WHERE id = $1 AND status = ANY($2::text[])")
        .execute(Tuple.of(id, from.toArray(String[]::new), to, utc(now)))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * "Absent", from booked or in the call (the agent came in first and waited for her), never while a side of hers is in
   * the room: one conditional UPDATE, so a press racing her arrival loses rather than marking absent someone who is there.
   */
  Future<Boolean> markAbsent(SqlClient db, UUID id, Instant now, java.time.Duration roomOpenAfterEnd) {
    // Her side in the room holds it only while the room is open for her: a presence never taken back (a tab killed,
    // a screen that crashed) no longer counts once the room has closed, or nobody could ever mark her absent.
    return db.preparedQuery("""
            UPDATE appointment SET status = 'no_show', finished_at = $2
            WHERE id = $1 AND status IN ('booked', 'in_call')
              AND (citizen_in_room = '{}' OR ends_at + make_interval(secs => $3) <= $2)""")
        .execute(Tuple.of(id, utc(now), (double) roomOpenAfterEnd.toSeconds()))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Who, on the citizen's side, says she is in the room or not: her own link, the mediator beside her, the point's screen. */
  enum Side {
    CITIZEN, MEDIATOR, SCREEN;

    /** As citizen_in_room holds it. */
    String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * {@code side} is in the waiting room from {@code at} (a video that failed before no longer counts); null: that side
   * left. She waits while one side is in: a mediator hanging up at his desk leaves her, in the room from home, waiting.
   */
  Future<Boolean> citizenWaiting(SqlClient db, UUID id, Instant at, Side side) {
    String sql = at != null ? """
            UPDATE appointment SET citizen_in_room = array_append(array_remove(citizen_in_room, $3), $3),
                   citizen_waiting_at = COALESCE(citizen_waiting_at, $2), citizen_video_failed_at = NULL, citizen_video_failed_side = NULL
            WHERE id = $1 AND status IN ('booked', 'in_call')"""
        : """
            UPDATE appointment SET citizen_in_room = array_remove(citizen_in_room, $3),
                   citizen_waiting_at = CASE WHEN array_remove(citizen_in_room, $3) = '{}' THEN NULL ELSE citizen_waiting_at END
            WHERE id = $1 AND status IN ('booked', 'in_call') AND $2::timestamptz IS NULL""";
    return db.preparedQuery(sql).execute(Tuple.of(id, utc(at), side.code()))
        .map(rows -> rows.rowCount() == 1);
  }

  /** The citizen's side asked for the room: the agent sees she tries (again: a failure before no longer counts). */
  Future<Boolean> citizenTried(SqlClient db, UUID id, Instant at) {
    return db.preparedQuery("""
            UPDATE appointment SET citizen_tried_at = $2, citizen_video_failed_at = NULL, citizen_video_failed_side = NULL
            WHERE id = $1 AND status IN ('booked', 'in_call')""")
        .execute(Tuple.of(id, utc(at)))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * {@code side}'s page could not open the video (the video server out of reach, the room lost for good): she is not
   * waiting through it. Nothing changes while another side holds her in the room (she is there, from home).
   */
  Future<Boolean> citizenVideoFailed(SqlClient db, UUID id, Instant at, Side side) {
    return db.preparedQuery("""
            UPDATE appointment SET citizen_video_failed_at = $2, citizen_video_failed_side = $3, citizen_waiting_at = NULL,
                   citizen_in_room = '{}'
            WHERE id = $1 AND status IN ('booked', 'in_call') AND array_remove(citizen_in_room, $3) = '{}'""")
        .execute(Tuple.of(id, utc(at), side.code()))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * A companion ({@link MeetingService.Standing#COMPANION}) in the room while it is open, or gone from it: her going takes
   * out only herself (another companion who came in since stays said).
   */
  Future<Boolean> companionInRoom(SqlClient db, UUID id, UUID companion, boolean in) {
    String sql = in ? "UPDATE appointment SET companion_in_room = $2 WHERE id = $1 AND status IN ('booked', 'in_call')"
        : "UPDATE appointment SET companion_in_room = NULL WHERE id = $1 AND companion_in_room = $2";
    return db.preparedQuery(sql).execute(Tuple.of(id, companion)).map(rows -> rows.rowCount() == 1);
  }

  /** What a manage link of an appointment is checked against: when it ends, and the links' version. */
  public record LinkState(Instant end, int version) {}

  Future<Optional<LinkState>> linkState(SqlClient db, UUID id) {
    return db.preparedQuery("SELECT ends_at, manage_token_version FROM appointment WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> Rows.first(rows).map(r -> new LinkState(r.getOffsetDateTime("ends_at").toInstant(),
            r.getInteger("manage_token_version"))));
  }

  /** An appointment by its reference (the citizen's short link, a lost link asked again). */
  Future<Optional<Appointment>> byReference(SqlClient db, String reference, Duration joinOpensBefore) {
    return db.preparedQuery(APPOINTMENT + " WHERE a.reference = $1").execute(Tuple.of(reference))
        .map(rows -> Rows.first(rows).map(r -> appointment(r, joinOpensBefore)));
  }

  /**
   * Every earlier link of the appointment stops working, and its room is a new one (whoever had
   * an old link knows the old room's name); answers the links' new state, empty when it does not exist.
   */
  Future<Optional<LinkState>> renewManageLink(SqlClient db, UUID id, String newRoomName) {
    return db.preparedQuery("UPDATE appointment SET manage_token_version = manage_token_version + 1, room_name = $2"
            + " WHERE id = $1 RETURNING ends_at, manage_token_version")
        .execute(Tuple.of(id, newRoomName))
        .map(rows -> Rows.first(rows).map(r -> new LinkState(r.getOffsetDateTime("ends_at").toInstant(),
            r.getInteger("manage_token_version"))));
  }

  /** Appointments whose call is going on now (for the node's figures). */
  Future<Long> callsInProgress(SqlClient db) {
    return db.query("SELECT count(*) FROM appointment WHERE status = 'in_call'").execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** Whose video failed, beside its time only; a node of the previous version wrote no side: her own link's. */
  private static String failedSide(Row r) {
    if (r.getValue("citizen_video_failed_at") == null) {
      return null;
    }
    String side = r.getString("citizen_video_failed_side");
    return side == null ? Side.CITIZEN.code() : side;
  }

  /** A row of {@link #APPOINTMENT_OF}. */
  static Appointment appointment(Row r, Duration joinOpensBefore) {
    ZoneId zone = ZoneId.of(r.getString("time_zone"));
    Instant start = Rows.instant(r, "starts_at");
    UUID bookedBy = r.getUUID("booked_by");
    return new Appointment(Rows.id(r, "id"), r.getString("reference"), Rows.id(r, "service_id"), r.getString("service_name"),
        r.getString("administration"), Rows.id(r, "organisation_id"), local(start, zone), local(Rows.instant(r, "ends_at"), zone),
        r.getString("status"), Rows.id(r, "point_id"), r.getString("point_name"), r.getString("point_commune"),
        r.getString("point_phone"),
        new Appointment.Citizen(r.getString("citizen_name"), r.getString("citizen_email"), r.getString("citizen_phone")),
        r.getString("note"), Rows.strings(r, "accessibility"), Rows.id(r, "agent_id"), r.getString("agent_name"),
        bookedBy == null ? null : new Appointment.BookedBy(bookedBy.toString(), r.getString("booked_by_name"),
            r.getString("booked_by_phone"), r.getBoolean("booked_by_active")),
        r.getValue("citizen_waiting_at") != null, r.getValue("agent_joined_at") != null,
        local(Rows.instant(r, "citizen_tried_at"), zone), local(Rows.instant(r, "citizen_video_failed_at"), zone),
        failedSide(r), r.getString("companion_name"),
        local(start.minus(joinOpensBefore), zone), Rows.instant(r, "created_at"), zone.getId(),
        r.getInteger("manage_token_version"));
  }
}
