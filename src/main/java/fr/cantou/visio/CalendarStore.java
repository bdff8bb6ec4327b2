package fr.cantou.visio;

import fr.cantou.platform.db.DatabaseErrors.Rule;
import fr.cantou.platform.db.DatabaseErrors.Violation;
import fr.cantou.platform.db.Rows;
import fr.cantou.platform.http.Idempotent;
import fr.cantou.visio.VisioStore.Refusal;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static fr.cantou.visio.VisioStore.EPOCH_MS;
import static fr.cantou.visio.VisioStore.json;
import static fr.cantou.visio.VisioStore.refusals;
import static fr.cantou.visio.VisioStore.utc;

/**
 * SQL of the calendars: an agent's weekly hours, services, settings and leave, an
 * administration's closures, and the calendars free slots are computed from (an agent's, a
 * point's, with their booked periods).
 */
final class CalendarStore {
  // The calendars of the slots.

  /**
   * Every agent serving a service: ranges, exceptions, and booked periods as two aligned arrays. The busy periods are
   * found from {@code $5}, {@link VisioStore#LONGEST_HOLD} before the window: an agent's appointments left open for
   * years are not read again at each slot search and booking.
   */
  static final String AGENT_CALENDARS = """
            SELECT u.id,
                   COALESCE(st.buffer_minutes, 5) AS buffer_minutes,
                   COALESCE(st.min_notice_minutes, 120) AS min_notice_minutes,
                   COALESCE(st.horizon_days, 30) AS horizon_days,
                   COALESCE((SELECT json_agg(json_build_array(v.weekday, v.start_time::text, v.end_time::text))
                             FROM visio_availability v WHERE v.agent_id = u.id), '[]') AS weekly,
                   COALESCE((SELECT json_agg(json_build_array(e.starts_at, e.ends_at))
                             FROM visio_exception e WHERE e.agent_id = u.id AND e.ends_at > $2 AND e.starts_at < $3), '[]')
                     AS exceptions,
                   b.busy_starts, b.busy_ends
            FROM visio_agent_service s
            JOIN app_user u ON u.id = s.agent_id AND u.active AND u.role = 'agent'
            LEFT JOIN visio_agent_settings st ON st.agent_id = u.id
            LEFT JOIN LATERAL (
              SELECT array_agg(%1$s ORDER BY a.starts_at) AS busy_starts,
                     array_agg(%2$s ORDER BY a.starts_at) AS busy_ends
              FROM appointment a WHERE a.agent_id = u.id AND a.status IN ('offered', 'booked', 'in_call')
                AND a.blocked_until > $2 AND a.starts_at < $3 AND a.starts_at > $5 AND a.id IS DISTINCT FROM $4) b ON true
            WHERE s.service_id = $1
            ORDER BY u.id""".formatted(EPOCH_MS.formatted("a.starts_at"), EPOCH_MS.formatted("a.blocked_until"));

  /** Every active agent serving the service, with its ranges, exceptions and busy times over the window: one query. */
  Future<List<SlotCalculator.AgentCalendar>> agentCalendars(SqlClient db, UUID serviceId, Instant from, Instant to,
                                                            UUID except) {
    return db.preparedQuery(AGENT_CALENDARS)
        .execute(agentCalendarsValues(serviceId, from, to, except))
        .map(rows -> Rows.map(rows, r -> new SlotCalculator.AgentCalendar(r.getUUID("id"),
            Duration.ofMinutes(r.getInteger("buffer_minutes")), Duration.ofMinutes(r.getInteger("min_notice_minutes")),
            Duration.ofDays(r.getInteger("horizon_days")), VisioStore.weekly(json(r, "weekly")),
            VisioStore.isoIntervals(json(r, "exceptions")),
            VisioStore.intervals(r.getArrayOfLongs("busy_starts"), r.getArrayOfLongs("busy_ends")))));
  }

  /** {@link #AGENT_CALENDARS}' values: the window, and where its scan starts. */
  static Tuple agentCalendarsValues(UUID serviceId, Instant from, Instant to, UUID except) {
    return Tuple.of(serviceId, utc(from), utc(to), except, utc(from.minus(VisioStore.LONGEST_HOLD)));
  }

  /**
   * The point's hours and its booked periods over a window. The periods are found by their overlap with the window
   * ({@code &&}), which the point's exclusion index answers; found by the point alone, every appointment it ever held
   * open was read.
   */
  static final String POINT_CALENDAR = """
            SELECT p.time_zone,
                   COALESCE((SELECT json_agg(json_build_array(""" + EPOCH_MS.formatted("a.starts_at") + ", "
      + EPOCH_MS.formatted("a.ends_at") + """
                             )) FROM appointment a WHERE a.point_id = p.id AND a.status IN ('offered', 'booked', 'in_call')
                             AND a.period && tstzrange($2, $3, '[)') AND a.id IS DISTINCT FROM $4), '[]') AS busy,
                   COALESCE((SELECT json_agg(json_build_array(h.weekday, h.start_time::text, h.end_time::text))
                             FROM visio_point_hours h WHERE h.point_id = p.id), '[]') AS hours
            FROM visio_point p WHERE p.id = $1 AND p.active""";

  Future<Optional<SlotCalculator.PointCalendar>> pointCalendar(SqlClient db, UUID pointId, Instant from, Instant to,
                                                               UUID except) {
    return db.preparedQuery(POINT_CALENDAR)
        .execute(Tuple.of(pointId, utc(from), utc(to), except))
        .map(rows -> Rows.first(rows).map(r -> new SlotCalculator.PointCalendar(ZoneId.of(r.getString("time_zone")),
            VisioStore.weekly(json(r, "hours")), VisioStore.intervals(json(r, "busy")))));
  }

  // An agent's calendar.

  /** Returns how many of the services were attached: only those of the agent's own administration are. */
  Future<Integer> replaceAvailability(SqlClient db, UUID agentId, VisioRecords.Availability a) {
    return db.preparedQuery("DELETE FROM visio_availability WHERE agent_id = $1").execute(Tuple.of(agentId))
        .compose(v -> VisioStore.insertHours(db, "visio_availability", "agent_id", agentId, a.weekly()))
        .compose(v -> db.preparedQuery("""
                INSERT INTO visio_agent_settings (agent_id, buffer_minutes, min_notice_minutes, horizon_days)
                VALUES ($1, $2, $3, $4) ON CONFLICT (agent_id) DO UPDATE SET buffer_minutes = excluded.buffer_minutes,
                  min_notice_minutes = excluded.min_notice_minutes, horizon_days = excluded.horizon_days""")
            .execute(Tuple.of(agentId, a.bufferMinutes(), a.minNoticeMinutes(), a.horizonDays())))
        .compose(v -> db.preparedQuery("DELETE FROM visio_agent_service WHERE agent_id = $1").execute(Tuple.of(agentId)))
        .compose(v -> db.preparedQuery("""
                INSERT INTO visio_agent_service (agent_id, service_id)
                SELECT u.id, s.id FROM app_user u JOIN visio_service s ON s.organisation_id = u.organisation_id
                WHERE u.id = $1 AND s.id = ANY($2::uuid[])""")
            .execute(Tuple.of(agentId, (Object) a.serviceIds().stream().map(UUID::fromString).distinct().toArray(UUID[]::new))))
        .map(rows -> rows.rowCount())
        .recover(refusals(new Rule(Violation.FOREIGN_KEY, "", Refusal.NO_SUCH_SERVICE)));
  }

  /** Exceptions already over at {@code now} (the node's clock, not the database's) are left out. */
  Future<Optional<VisioRecords.AvailabilityView>> availability(SqlClient db, UUID agentId, ZoneId zone, Instant now) {
    return db.preparedQuery("""
            SELECT u.id, u.display_name,
                   COALESCE(st.buffer_minutes, 5) AS buffer_minutes, COALESCE(st.min_notice_minutes, 120) AS min_notice_minutes,
                   COALESCE(st.horizon_days, 30) AS horizon_days,
                   ARRAY(SELECT s.service_id::text FROM visio_agent_service s WHERE s.agent_id = u.id) AS services,
                   COALESCE((SELECT json_agg(json_build_array(v.weekday, v.start_time::text, v.end_time::text)
                                             ORDER BY v.weekday, v.start_time)
                             FROM visio_availability v WHERE v.agent_id = u.id), '[]') AS weekly,
                   COALESCE((SELECT json_agg(json_build_array(e.id, e.starts_at, e.ends_at, e.reason) ORDER BY e.starts_at)
                             FROM visio_exception e WHERE e.agent_id = u.id AND e.ends_at > $2), '[]') AS exceptions
            FROM app_user u LEFT JOIN visio_agent_settings st ON st.agent_id = u.id
            WHERE u.id = $1 AND u.role = 'agent'""")
        .execute(Tuple.of(agentId, utc(now)))
        .map(rows -> Rows.first(rows).map(r -> {
          List<VisioRecords.ExceptionView> exceptions = new ArrayList<>();
          for (Object o : json(r, "exceptions")) {
            JsonArray e = (JsonArray) o;
            exceptions.add(new VisioRecords.ExceptionView(e.getLong(0),
                VisioStore.instant(e.getString(1)).atZone(zone).toOffsetDateTime(),
                VisioStore.instant(e.getString(2)).atZone(zone).toOffsetDateTime(), e.getString(3)));
          }
          return new VisioRecords.AvailabilityView(Rows.id(r, "id"), r.getString("display_name"), Rows.strings(r, "services"),
              VisioStore.hours(json(r, "weekly")), r.getInteger("buffer_minutes"), r.getInteger("min_notice_minutes"),
              r.getInteger("horizon_days"), exceptions);
        }));
  }

  // Leave and closures.

  /** {@code sent}: its Idempotency-Key (or null), kept with it (V92). */
  Future<Long> insertException(SqlClient db, UUID agentId, Instant start, Instant end, String reason, Idempotent sent) {
    return db.preparedQuery("""
            INSERT INTO visio_exception (agent_id, starts_at, ends_at, reason, idempotency_key, idempotency_fingerprint)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id""")
        .execute(Tuple.of(agentId, utc(start), utc(end), reason == null ? "" : reason, keyOf(sent), fingerprintOf(sent)))
        .map(rows -> rows.iterator().next().getLong("id"))
        .recover(refusals(new Rule(Violation.UNIQUE, "idempotency_key", Refusal.ABSENCE_KEY_USED)));
  }

  private static String keyOf(Idempotent sent) {
    return sent == null ? null : sent.key();
  }

  private static Buffer fingerprintOf(Idempotent sent) {
    return sent == null ? null : Buffer.buffer(sent.fingerprint());
  }

  /**
   * What an Idempotency-Key (scoped to its sender) wrote: how many absences (one, or a closure's, one per agent), the
   * agent of one of them, and the fingerprint of the request.
   */
  record Written(int absences, UUID agentId) {}

  Future<Optional<Idempotent.Made<Written>>> byIdempotencyKey(SqlClient db, String scopedKey) {
    return db.preparedQuery("""
            SELECT count(*) AS absences, (array_agg(agent_id))[1] AS agent_id,
                   (array_agg(idempotency_fingerprint))[1] AS idempotency_fingerprint
            FROM visio_exception WHERE idempotency_key = $1 HAVING count(*) > 0""")
        .execute(Tuple.of(scopedKey))
        .map(rows -> Rows.first(rows).map(r -> new Idempotent.Made<>(new Written(r.getLong("absences").intValue(),
            r.getUUID("agent_id")), Rows.bytes(r, "idempotency_fingerprint"))));
  }

  /** Removes one of the agent's exceptions; false when the agent has no such exception. */
  Future<Boolean> deleteException(SqlClient db, UUID agentId, long exceptionId) {
    return db.preparedQuery("DELETE FROM visio_exception WHERE id = $1 AND agent_id = $2")
        .execute(Tuple.of(exceptionId, agentId))
        .map(rows -> rows.rowCount() == 1);
  }

  /** The same exception for every active agent of the administration. */
  Future<Integer> insertClosure(SqlClient db, UUID organisationId, Instant start, Instant end, String reason, Idempotent sent) {
    return db.preparedQuery("""
            INSERT INTO visio_exception (agent_id, starts_at, ends_at, reason, idempotency_key, idempotency_fingerprint)
            SELECT id, $2, $3, $4, $5, $6 FROM app_user WHERE organisation_id = $1 AND role = 'agent' AND active""")
        .execute(Tuple.of(organisationId, utc(start), utc(end), reason == null ? "" : reason, keyOf(sent), fingerprintOf(sent)))
        .map(rows -> rows.rowCount())
        .recover(refusals(new Rule(Violation.UNIQUE, "idempotency_key", Refusal.ABSENCE_KEY_USED)));
  }

  /** Whether leave or a closure of the agent meets this period. */
  Future<Boolean> onLeave(SqlClient db, UUID agentId, Instant start, Instant end) {
    return db.preparedQuery("""
            SELECT EXISTS (SELECT 1 FROM visio_exception WHERE agent_id = $1 AND ends_at > $2 AND starts_at < $3) AS away""")
        .execute(Tuple.of(agentId, utc(start), utc(end)))
        .map(rows -> rows.iterator().next().getBoolean("away"));
  }

  /**
   * Taken, waiting, by whoever changes what bookings of the agent check: leave and closures.
   * Bookings hold it shared, so leave waits for the bookings in flight, and bookings arriving
   * meanwhile find it busy and come back a moment later (they never wait).
   */
  Future<Void> lockAgent(SqlClient db, UUID agentId) {
    return VisioStore.lock(db, "agent:" + agentId);
  }

  /** Locks the calendars of every active agent of the administration, in one order (as bookings lock one). */
  Future<Integer> lockAgentsOf(SqlClient db, UUID organisationId) {
    return db.preparedQuery("""
            SELECT count(pg_advisory_xact_lock(hashtextextended('agent:' || a.id::text, 0))) AS agents
            FROM (SELECT id FROM app_user WHERE organisation_id = $1 AND role = 'agent' AND active ORDER BY id) a""")
        .execute(Tuple.of(organisationId))
        .map(rows -> rows.iterator().next().getInteger("agents"));
  }

  /** The agent's open appointments that meet this period, earliest first (a few: to name them). */
  Future<List<AppointmentInTheWay>> openAppointmentsDuring(SqlClient db, UUID agentId, Instant start, Instant end, int limit) {
    return db.preparedQuery("""
            SELECT reference, starts_at FROM appointment
            WHERE agent_id = $1 AND status IN ('offered', 'booked', 'in_call') AND ends_at > $2 AND starts_at < $3
              AND starts_at > $5
            ORDER BY starts_at LIMIT $4""")
        .execute(Tuple.of(agentId, utc(start), utc(end), limit, utc(start.minus(VisioStore.LONGEST_HOLD))))
        .map(rows -> Rows.map(rows, VisioStore::inTheWay));
  }

  /** The administration's open appointments that meet this period, earliest first (a few: to name them). */
  Future<List<AppointmentInTheWay>> openAppointmentsOfOrganisation(SqlClient db, UUID organisationId, Instant start, Instant end,
                                                     int limit) {
    return db.preparedQuery("""
            SELECT a.reference, a.starts_at FROM appointment a JOIN app_user u ON u.id = a.agent_id
            WHERE u.organisation_id = $1 AND a.status IN ('offered', 'booked', 'in_call') AND a.ends_at > $2 AND a.starts_at < $3
              AND a.starts_at > $5
            ORDER BY a.starts_at LIMIT $4""")
        .execute(Tuple.of(organisationId, utc(start), utc(end), limit, utc(start.minus(VisioStore.LONGEST_HOLD))))
        .map(rows -> Rows.map(rows, VisioStore::inTheWay));
  }

  // Whose calendar, in which zone.

  /** The agent's organisation, for rights (empty when the id is not an active agent). */
  Future<Optional<UUID>> agentOrganisation(SqlClient db, UUID agentId) {
    return db.preparedQuery("SELECT organisation_id FROM app_user WHERE id = $1 AND role = 'agent' AND active")
        .execute(Tuple.of(agentId))
        .map(rows -> Rows.first(rows).map(r -> r.getUUID("organisation_id")));
  }

  /** The time zone of an administration; empty when no administration has this id. */
  Future<Optional<ZoneId>> administrationZone(SqlClient db, UUID organisationId) {
    return db.preparedQuery("SELECT time_zone FROM organisation WHERE id = $1 AND kind = 'administration'")
        .execute(Tuple.of(organisationId))
        .map(rows -> Rows.first(rows).map(r -> ZoneId.of(r.getString("time_zone"))));
  }

  Future<ZoneId> zoneOf(SqlClient db, UUID organisationId) {
    return db.preparedQuery("SELECT time_zone FROM organisation WHERE id = $1").execute(Tuple.of(organisationId))
        .map(rows -> ZoneId.of(rows.iterator().next().getString("time_zone")));
  }
}
