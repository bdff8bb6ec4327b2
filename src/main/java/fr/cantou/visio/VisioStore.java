package fr.cantou.visio;

import fr.cantou.platform.db.DatabaseErrors;
import fr.cantou.platform.db.DatabaseErrors.Rule;
import fr.cantou.platform.db.DatabaseErrors.Violation;
import fr.cantou.platform.db.PersonalDataAudit;
import fr.cantou.platform.db.Rows;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * SQL of visio-accueil: services, points, calendars, appointments and their mails. Over 300
 * lines, knowingly: it is to be split along its section comments (services and points,
 * calendars, appointments, mails) once the agents' undo work on visio/ has landed (issue 14).
 */
public final class VisioStore {
  /**
   * Booked periods travel as arrays of epoch milliseconds (binary, no JSON): a month of a busy
   * service is thousands of them per request. date_part is float arithmetic, cheaper than
   * extract's numeric.
   */
  private static final String EPOCH_MS = "(date_part('epoch', %s) * 1000)::bigint";

  /** What the schema refuses, in visio-accueil's words (failures {@link DatabaseErrors.Refused} carry one). */
  public enum Refusal {
    SERVICE_NAME_TAKEN, NO_SUCH_ADMINISTRATION, POINT_NAME_TAKEN, NO_SUCH_SERVICE,
    /** The agent's time is taken (exclusion constraint appointment_agent_free). */
    AGENT_TAKEN,
    /** The point's time is taken (exclusion constraint appointment_point_free). */
    POINT_TAKEN,
    /** Two bookings drew the same reference (rare): draw again. */
    REFERENCE_DRAWN_TWICE
  }

  private static <T> java.util.function.Function<Throwable, Future<T>> refusals(Rule... rules) {
    return DatabaseErrors.refusals(rules);
  }

  private static final Rule[] APPOINTMENT_RULES = {
      new Rule(Violation.EXCLUSION, "appointment_agent_free", Refusal.AGENT_TAKEN),
      new Rule(Violation.EXCLUSION, "appointment_point_free", Refusal.POINT_TAKEN),
      new Rule(Violation.UNIQUE, "appointment_reference_key", Refusal.REFERENCE_DRAWN_TWICE)};


  public record ServiceRow(UUID id, UUID organisationId, String name, String administration, int durationMinutes,
                           String description, List<String> documents, String prefix, ZoneId zone) {}

  public record NewAppointment(UUID serviceId, UUID agentId, UUID pointId, Instant start, Instant end, Instant blockedUntil,
                               String reference, String citizenName, String citizenEmail, String citizenPhone, String note,
                               List<String> accessibility, UUID bookedBy, String idempotencyKey, String roomName,
                               byte[] idempotencyFingerprint) {}

  // Services and points.

  private static final String SERVICE = """
      SELECT s.id, s.organisation_id, s.name, o.name AS administration, s.duration_minutes, s.description, s.documents,
             s.reference_prefix, o.time_zone
      FROM visio_service s JOIN organisation o ON o.id = s.organisation_id""";

  public Future<List<ServiceRow>> services(SqlClient db) {
    return db.query(SERVICE + " WHERE s.active ORDER BY o.name, s.name").execute().map(rows -> Rows.map(rows, VisioStore::service));
  }

  public Future<Optional<ServiceRow>> service(SqlClient db, UUID id) {
    return db.preparedQuery(SERVICE + " WHERE s.id = $1 AND s.active").execute(Tuple.of(id))
        .map(rows -> Rows.first(rows).map(VisioStore::service));
  }

  public Future<UUID> insertService(SqlClient db, UUID organisationId, String name, String description, List<String> documents,
                                    int duration, String prefix) {
    return db.preparedQuery("""
            INSERT INTO visio_service (organisation_id, name, description, documents, duration_minutes, reference_prefix)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id""")
        .execute(Tuple.of(organisationId, name, description, documents.toArray(String[]::new), duration, prefix))
        .map(rows -> rows.iterator().next().getUUID("id"))
        .recover(refusals(new Rule(Violation.UNIQUE, "", Refusal.SERVICE_NAME_TAKEN),
            new Rule(Violation.FOREIGN_KEY, "", Refusal.NO_SUCH_ADMINISTRATION)));
  }

  /** False when no active service has this id. */
  public Future<Boolean> updateService(SqlClient db, UUID id, VisioRecords.ServiceChange c) {
    return db.preparedQuery("""
            UPDATE visio_service SET name = $2, description = $3, documents = $4, duration_minutes = $5
            WHERE id = $1 AND active""")
        .execute(Tuple.of(id, c.name().trim(), c.description() == null ? "" : c.description().trim(),
            (c.documents() == null ? List.<String>of() : c.documents()).toArray(String[]::new), c.durationMinutes()))
        .map(rows -> rows.rowCount() == 1)
        .recover(refusals(new Rule(Violation.UNIQUE, "", Refusal.SERVICE_NAME_TAKEN)));
  }

  public Future<Boolean> withdrawService(SqlClient db, UUID id) {
    return db.preparedQuery("UPDATE visio_service SET active = false WHERE id = $1 AND active").execute(Tuple.of(id))
        .map(rows -> rows.rowCount() == 1);
  }

  private static ServiceRow service(Row r) {
    return new ServiceRow(r.getUUID("id"), r.getUUID("organisation_id"), r.getString("name"), r.getString("administration"),
        r.getInteger("duration_minutes"), r.getString("description"), Rows.strings(r, "documents"),
        r.getString("reference_prefix"), ZoneId.of(r.getString("time_zone")));
  }

  private static final String POINT = """
      SELECT p.id, p.name, p.commune, p.kind, p.address, p.time_zone, p.organisation_id,
             COALESCE((SELECT json_agg(json_build_array(h.weekday, h.start_time::text, h.end_time::text)
                                       ORDER BY h.weekday, h.start_time)
                       FROM visio_point_hours h WHERE h.point_id = p.id), '[]') AS hours
      FROM visio_point p""";

  public Future<List<VisioRecords.Point>> points(SqlClient db) {
    return db.query(POINT + " WHERE p.active ORDER BY p.commune, p.name").execute().map(rows -> Rows.map(rows, VisioStore::point));
  }

  public Future<Optional<VisioRecords.Point>> point(SqlClient db, UUID id) {
    return db.preparedQuery(POINT + " WHERE p.id = $1 AND p.active").execute(Tuple.of(id))
        .map(rows -> Rows.first(rows).map(VisioStore::point));
  }

  public Future<UUID> insertPoint(SqlClient db, VisioRecords.NewPoint p, UUID organisationId) {
    return db.preparedQuery("""
            INSERT INTO visio_point (name, commune, kind, address, organisation_id) VALUES ($1, $2, $3, $4, $5) RETURNING id""")
        .execute(Tuple.of(p.name(), p.commune(), p.kind(), p.address() == null ? "" : p.address(), organisationId))
        .map(rows -> rows.iterator().next().getUUID("id"))
        .compose(id -> insertHours(db, "visio_point_hours", "point_id", id, p.hours()).map(id))
        .recover(refusals(new Rule(Violation.UNIQUE, "", Refusal.POINT_NAME_TAKEN)));
  }

  /** False when no active point has this id. Its hours are replaced. */
  public Future<Boolean> updatePoint(SqlClient db, UUID id, VisioRecords.PointChange c) {
    return db.preparedQuery("""
            UPDATE visio_point SET name = $2, commune = $3, kind = $4, address = $5 WHERE id = $1 AND active""")
        .execute(Tuple.of(id, c.name().trim(), c.commune().trim(), c.kind(), c.address() == null ? "" : c.address().trim()))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(false)
            : db.preparedQuery("DELETE FROM visio_point_hours WHERE point_id = $1").execute(Tuple.of(id))
                .compose(v -> insertHours(db, "visio_point_hours", "point_id", id, c.hours())).map(true))
        .recover(refusals(new Rule(Violation.UNIQUE, "", Refusal.POINT_NAME_TAKEN)));
  }

  public Future<Boolean> withdrawPoint(SqlClient db, UUID id) {
    return db.preparedQuery("UPDATE visio_point SET active = false WHERE id = $1 AND active").execute(Tuple.of(id))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Open appointments at the point that have not ended yet, earliest first (a few: to name them). */
  public Future<List<Taken>> openAppointmentsAtPoint(SqlClient db, UUID pointId, Instant now, int limit) {
    return db.preparedQuery("""
            SELECT reference, starts_at FROM appointment
            WHERE point_id = $1 AND status IN ('booked', 'in_call') AND ends_at > $2 ORDER BY starts_at LIMIT $3""")
        .execute(Tuple.of(pointId, utc(now), limit))
        .map(rows -> Rows.map(rows, VisioStore::taken));
  }

  private static VisioRecords.Point point(Row r) {
    return new VisioRecords.Point(Rows.id(r, "id"), r.getString("name"), r.getString("commune"), r.getString("kind"),
        r.getString("address"), hours(json(r, "hours")), Rows.id(r, "organisation_id"));
  }

  /** The point's hours and its booked periods over a window. */
  public Future<Optional<SlotCalculator.PointCalendar>> pointCalendar(SqlClient db, UUID pointId, Instant from, Instant to,
                                                                       UUID except) {
    return db.preparedQuery("""
            SELECT p.time_zone,
                   COALESCE((SELECT json_agg(json_build_array(h.weekday, h.start_time::text, h.end_time::text))
                             FROM visio_point_hours h WHERE h.point_id = p.id), '[]') AS hours,
                   COALESCE((SELECT json_agg(json_build_array(""" + EPOCH_MS.formatted("a.starts_at") + ", "
            + EPOCH_MS.formatted("a.ends_at") + """
                             )) FROM appointment a WHERE a.point_id = p.id AND a.status IN ('booked', 'in_call')
                             AND a.ends_at > $2 AND a.starts_at < $3 AND a.id IS DISTINCT FROM $4), '[]') AS busy
            FROM visio_point p WHERE p.id = $1 AND p.active""")
        .execute(Tuple.of(pointId, utc(from), utc(to), except))
        .map(rows -> Rows.first(rows).map(r -> new SlotCalculator.PointCalendar(ZoneId.of(r.getString("time_zone")),
            weekly(json(r, "hours")), intervals(json(r, "busy")))));
  }

  /** Erases the citizen's fields of at most {@code batch} appointments ended before {@code endedBefore}; answers how many. */
  public Future<Integer> eraseCitizenData(SqlClient db, Instant endedBefore, Instant now, int batch) {
    return db.preparedQuery(ERASE + """
            WHERE id IN (SELECT id FROM appointment WHERE erased_at IS NULL AND ends_at < $1
                         ORDER BY ends_at LIMIT $3 FOR UPDATE SKIP LOCKED)""")
        .execute(Tuple.of(utc(endedBefore), utc(now), batch)).map(rows -> rows.rowCount());
  }

  /** The fields retention erases: the same for the job and for an erasure asked for. */
  private static final String ERASE = """
      UPDATE appointment SET citizen_name = NULL, citizen_email = NULL, citizen_phone = NULL, note = NULL,
             accessibility = '{}', idempotency_key = NULL, idempotency_fingerprint = NULL, erased_at = $2
      """;

  /** Erases one appointment's citizen fields at once (RGPD article 17), and drops its mails not yet sent. */
  public Future<Void> eraseCitizenDataOf(SqlClient db, UUID id, Instant now) {
    return db.preparedQuery(ERASE + " WHERE id = $1 AND erased_at IS NULL").execute(Tuple.of(id, utc(now)))
        .compose(v -> db.preparedQuery("DELETE FROM visio_mail WHERE appointment_id = $1 AND sent_at IS NULL")
            .execute(Tuple.of(id)))
        .mapEmpty();
  }

  public record MailRecord(String kind, Instant due, Instant sent) {}

  public record Held(Instant erasedAt, List<MailRecord> mails, List<PersonalDataAudit.Entry> audit) {}

  /** Beside the appointment itself: when it was erased, its mails and its audit. */
  public Future<Held> held(SqlClient db, UUID id) {
    Future<Instant> erased = db.preparedQuery("SELECT erased_at FROM appointment WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> Rows.first(rows).map(r -> Rows.instant(r, "erased_at")).orElse(null));
    Future<List<MailRecord>> mails = db.preparedQuery(
            "SELECT kind, due_at, sent_at FROM visio_mail WHERE appointment_id = $1 ORDER BY due_at, id")
        .execute(Tuple.of(id))
        .map(rows -> Rows.map(rows, r -> new MailRecord(r.getString("kind"), Rows.instant(r, "due_at"),
            Rows.instant(r, "sent_at"))));
    Future<List<PersonalDataAudit.Entry>> audit = PersonalDataAudit.of(db, "appointment", id);
    return erased.compose(e -> mails.compose(m -> audit.map(a -> new Held(e, m, a))));
  }

  /** The appointments whose citizen gave this e-mail (any case) or this phone (as written at booking), oldest first. */
  public Future<List<UUID>> byContact(SqlClient db, String email, String phone) {
    return db.preparedQuery("""
            SELECT id FROM appointment WHERE ($1::text IS NOT NULL AND lower(citizen_email) = lower($1))
               OR ($2::text IS NOT NULL AND citizen_phone = $2) ORDER BY starts_at, id LIMIT 1000""")
        .execute(Tuple.of(email, phone)).map(rows -> Rows.map(rows, r -> r.getUUID("id")));
  }

  // Agents' calendars.

  /** Every agent serving a service: ranges, exceptions, and booked periods as two aligned arrays. */
  private static final String AGENT_CALENDARS = """
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
              FROM appointment a WHERE a.agent_id = u.id AND a.status IN ('booked', 'in_call')
                AND a.blocked_until > $2 AND a.starts_at < $3 AND a.id IS DISTINCT FROM $4) b ON true
            WHERE s.service_id = $1
            ORDER BY u.id""".formatted(EPOCH_MS.formatted("a.starts_at"), EPOCH_MS.formatted("a.blocked_until"));

  /** Every active agent serving the service, with its ranges, exceptions and busy times over the window: one query. */
  public Future<List<SlotCalculator.AgentCalendar>> agentCalendars(SqlClient db, UUID serviceId, Instant from, Instant to,
                                                                    UUID except) {
    return db.preparedQuery(AGENT_CALENDARS)
        .execute(Tuple.of(serviceId, utc(from), utc(to), except))
        .map(rows -> Rows.map(rows, r -> new SlotCalculator.AgentCalendar(r.getUUID("id"),
            Duration.ofMinutes(r.getInteger("buffer_minutes")), Duration.ofMinutes(r.getInteger("min_notice_minutes")),
            Duration.ofDays(r.getInteger("horizon_days")), weekly(json(r, "weekly")), isoIntervals(json(r, "exceptions")),
            intervals(r.getArrayOfLongs("busy_starts"), r.getArrayOfLongs("busy_ends")))));
  }

  /** Returns how many of the services were attached: only those of the agent's own administration are. */
  /** Appointments whose call is going on now (for the node's figures). */
  public Future<Long> callsInProgress(SqlClient db) {
    return db.query("SELECT count(*) FROM appointment WHERE status = 'in_call'").execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  public Future<Integer> replaceAvailability(SqlClient db, UUID agentId, VisioRecords.Availability a) {
    return db.preparedQuery("DELETE FROM visio_availability WHERE agent_id = $1").execute(Tuple.of(agentId))
        .compose(v -> insertHours(db, "visio_availability", "agent_id", agentId, a.weekly()))
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
  public Future<Optional<VisioRecords.AvailabilityView>> availability(SqlClient db, UUID agentId, ZoneId zone, Instant now) {
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
            exceptions.add(new VisioRecords.ExceptionView(e.getLong(0), instant(e.getString(1)).atZone(zone).toOffsetDateTime(),
                instant(e.getString(2)).atZone(zone).toOffsetDateTime(), e.getString(3)));
          }
          return new VisioRecords.AvailabilityView(Rows.id(r, "id"), r.getString("display_name"), Rows.strings(r, "services"),
              hours(json(r, "weekly")), r.getInteger("buffer_minutes"), r.getInteger("min_notice_minutes"),
              r.getInteger("horizon_days"), exceptions);
        }));
  }

  public Future<Long> insertException(SqlClient db, UUID agentId, Instant start, Instant end, String reason) {
    return db.preparedQuery("INSERT INTO visio_exception (agent_id, starts_at, ends_at, reason) VALUES ($1, $2, $3, $4) RETURNING id")
        .execute(Tuple.of(agentId, utc(start), utc(end), reason == null ? "" : reason))
        .map(rows -> rows.iterator().next().getLong("id"));
  }

  /** Removes one of the agent's exceptions; false when the agent has no such exception. */
  public Future<Boolean> deleteException(SqlClient db, UUID agentId, long exceptionId) {
    return db.preparedQuery("DELETE FROM visio_exception WHERE id = $1 AND agent_id = $2")
        .execute(Tuple.of(exceptionId, agentId))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Locks the calendars of every active agent of the administration, in one order (as bookings lock one). */
  public Future<Integer> lockAgentsOf(SqlClient db, UUID organisationId) {
    return db.preparedQuery("""
            SELECT count(pg_advisory_xact_lock(hashtextextended('agent:' || a.id::text, 0))) AS agents
            FROM (SELECT id FROM app_user WHERE organisation_id = $1 AND role = 'agent' AND active ORDER BY id) a""")
        .execute(Tuple.of(organisationId))
        .map(rows -> rows.iterator().next().getInteger("agents"));
  }

  /** The administration's open appointments that meet this period, earliest first (a few: to name them). */
  public Future<List<Taken>> openAppointmentsOfOrganisation(SqlClient db, UUID organisationId, Instant start, Instant end,
                                                            int limit) {
    return db.preparedQuery("""
            SELECT a.reference, a.starts_at FROM appointment a JOIN app_user u ON u.id = a.agent_id
            WHERE u.organisation_id = $1 AND a.status IN ('booked', 'in_call') AND a.ends_at > $2 AND a.starts_at < $3
            ORDER BY a.starts_at LIMIT $4""")
        .execute(Tuple.of(organisationId, utc(start), utc(end), limit))
        .map(rows -> Rows.map(rows, VisioStore::taken));
  }

  /** The same exception for every active agent of the administration. */
  public Future<Integer> insertClosure(SqlClient db, UUID organisationId, Instant start, Instant end, String reason) {
    return db.preparedQuery("""
            INSERT INTO visio_exception (agent_id, starts_at, ends_at, reason)
            SELECT id, $2, $3, $4 FROM app_user WHERE organisation_id = $1 AND role = 'agent' AND active""")
        .execute(Tuple.of(organisationId, utc(start), utc(end), reason == null ? "" : reason))
        .map(rows -> rows.rowCount());
  }

  /** Whether leave or a closure of the agent meets this period. */
  public Future<Boolean> onLeave(SqlClient db, UUID agentId, Instant start, Instant end) {
    return db.preparedQuery("""
            SELECT EXISTS (SELECT 1 FROM visio_exception WHERE agent_id = $1 AND ends_at > $2 AND starts_at < $3) AS away""")
        .execute(Tuple.of(agentId, utc(start), utc(end)))
        .map(rows -> rows.iterator().next().getBoolean("away"));
  }

  public record Taken(String reference, Instant start) {}

  private static Taken taken(Row r) {
    return new Taken(r.getString("reference"), r.getOffsetDateTime("starts_at").toInstant());
  }

  /** The agent's open appointments that meet this period, earliest first (a few: to name them). */
  public Future<List<Taken>> openAppointmentsDuring(SqlClient db, UUID agentId, Instant start, Instant end, int limit) {
    return db.preparedQuery("""
            SELECT reference, starts_at FROM appointment
            WHERE agent_id = $1 AND status IN ('booked', 'in_call') AND ends_at > $2 AND starts_at < $3
            ORDER BY starts_at LIMIT $4""")
        .execute(Tuple.of(agentId, utc(start), utc(end), limit))
        .map(rows -> Rows.map(rows, VisioStore::taken));
  }

  /** The agent's organisation, for rights (empty when the id is not an active agent). */
  public Future<Optional<UUID>> agentOrganisation(SqlClient db, UUID agentId) {
    return db.preparedQuery("SELECT organisation_id FROM app_user WHERE id = $1 AND role = 'agent' AND active")
        .execute(Tuple.of(agentId))
        .map(rows -> Rows.first(rows).map(r -> r.getUUID("organisation_id")));
  }

  /** The time zone of an administration; empty when no administration has this id. */
  public Future<Optional<ZoneId>> administrationZone(SqlClient db, UUID organisationId) {
    return db.preparedQuery("SELECT time_zone FROM organisation WHERE id = $1 AND kind = 'administration'")
        .execute(Tuple.of(organisationId))
        .map(rows -> Rows.first(rows).map(r -> ZoneId.of(r.getString("time_zone"))));
  }

  public Future<ZoneId> zoneOf(SqlClient db, UUID organisationId) {
    return db.preparedQuery("SELECT time_zone FROM organisation WHERE id = $1").execute(Tuple.of(organisationId))
        .map(rows -> ZoneId.of(rows.iterator().next().getString("time_zone")));
  }

  // Appointments.

  /**
   * Taken, waiting, by whoever changes what bookings of the agent check: leave and closures.
   * Bookings hold it shared, so leave waits for the bookings in flight, and bookings arriving
   * meanwhile find it busy and come back a moment later (they never wait).
   */
  public Future<Void> lockAgent(SqlClient db, UUID agentId) {
    return lock(db, "agent:" + agentId);
  }

  /** The lock a booking at this point holds shared: held by the withdrawal of the point. */
  public Future<Void> lockPoint(SqlClient db, UUID pointId) {
    return lock(db, "point:" + pointId);
  }

  private static Future<Void> lock(SqlClient db, String name) {
    return db.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))").execute(Tuple.of(name)).mapEmpty();
  }

  /** Bookings lock the agent's (and point's) time in pieces this long: bookings of other times never meet. */
  static final Duration LOCKED_PIECE = Duration.ofMinutes(5);

  /**
   * Tries, without ever waiting, the locks a write of the agent's period (and of the point's)
   * needs: the agent's and the point's lock shared, and each {@link #LOCKED_PIECE} of time the
   * periods cover. True when every one is held (until the end of the transaction).
   * <p>
   * Two inserts that conflict under an exclusion constraint, in flight together, wait on each
   * other until the deadlock detector kills one a second later. Overlapping periods share a
   * piece, so such inserts never run together; bookings of other times of the same agent, or of
   * other agents, take other locks and commit in parallel. Nobody waits on these locks: a busy
   * piece means another booking of that time is in flight, and the caller tries another agent
   * or comes back later. Whatever is already held when one fails is released with the transaction.
   */
  public Future<Boolean> tryLockPeriods(SqlClient db, UUID agentId, Instant start, Instant blockedUntil, UUID pointId,
                                        Instant end) {
    return db.preparedQuery("""
            SELECT pg_try_advisory_xact_lock_shared(hashtextextended('agent:' || $1::uuid::text, 0))
               AND (SELECT bool_and(pg_try_advisory_xact_lock(hashtextextended('agent:' || $1::uuid::text || '@' || p, 0)))
                    FROM generate_series($2::bigint, $3::bigint) p)
               AND ($4::uuid IS NULL
                    OR pg_try_advisory_xact_lock_shared(hashtextextended('point:' || $4::uuid::text, 0))
                       AND (SELECT bool_and(pg_try_advisory_xact_lock(hashtextextended('point:' || $4::uuid::text || '@' || p, 0)))
                            FROM generate_series($5::bigint, $6::bigint) p)) AS locked""")
        .execute(Tuple.of(agentId, piece(start), piece(blockedUntil.minusMillis(1)), pointId, piece(start),
            piece(end.minusMillis(1))))
        .map(rows -> rows.iterator().next().getBoolean("locked"));
  }

  static long piece(Instant at) {
    return Math.floorDiv(at.toEpochMilli(), LOCKED_PIECE.toMillis());
  }

  public record Mail(String kind, Instant due) {}

  /** What a booking's one statement did: the agent was away (nothing written), or the appointment, or neither (the key was used). */
  public record Insertion(boolean away, Optional<Appointment> appointment) {}

  /**
   * One statement: checks that no leave of the agent meets the slot, inserts the appointment
   * unless its idempotency key was used already, writes its mails, and answers the new row as
   * the API shows it. Run under the locks of {@link #tryLockPeriods}, in a statement of its
   * own so that it sees any leave committed before they were taken. The exclusion constraints
   * still judge the insert.
   */
  public Future<Insertion> insertAppointment(SqlClient db, NewAppointment a, Instant now, List<Mail> mails,
                                             Duration joinOpensBefore) {
    return db.preparedQuery("""
            WITH leave AS (SELECT EXISTS (SELECT 1 FROM visio_exception
                                          WHERE agent_id = $2::uuid AND ends_at > $4::timestamptz AND starts_at < $5::timestamptz)
                                  AS away),
            inserted AS (
              INSERT INTO appointment (service_id, agent_id, point_id, starts_at, ends_at, blocked_until, status, reference,
                citizen_name, citizen_email, citizen_phone, note, accessibility, booked_by, idempotency_key, room_name, created_at,
                idempotency_fingerprint)
              SELECT $1::uuid, $2::uuid, $3::uuid, $4::timestamptz, $5::timestamptz, $6::timestamptz, 'booked', $7::text,
                     $8::text, $9::text, $10::text, $11::text, $12::text[], $13::uuid, $14::text, $15::text, $16::timestamptz,
                     $19::bytea
              FROM leave WHERE NOT leave.away
              ON CONFLICT (idempotency_key) DO NOTHING
              RETURNING *),
            mails AS (""" + MAILS.formatted("inserted", 17, 18) + """
            )
            SELECT leave.away, shown.* FROM leave LEFT JOIN (""" + APPOINTMENT_OF.formatted("inserted") + ") shown ON true")
        .execute(Tuple.from(new Object[] {a.serviceId(), a.agentId(), a.pointId(), utc(a.start()), utc(a.end()),
            utc(a.blockedUntil()), a.reference(), a.citizenName(), a.citizenEmail(), a.citizenPhone(), a.note(),
            a.accessibility().toArray(String[]::new), a.bookedBy(), a.idempotencyKey(), a.roomName(), utc(now),
            kinds(mails), dues(mails), a.idempotencyFingerprint() == null ? null : Buffer.buffer(a.idempotencyFingerprint())}))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Insertion(r.getBoolean("away"),
              r.getValue("id") == null ? Optional.empty() : Optional.of(appointment(r, joinOpensBefore)));
        })
        .recover(refusals(APPOINTMENT_RULES));
  }

  /** Mails of each appointment id of the relation named, from two aligned array parameters: kinds and due times. */
  private static final String MAILS = """
      INSERT INTO visio_mail (appointment_id, kind, due_at)
      SELECT x.id, m.kind, m.due FROM %1$s x, unnest($%2$d::text[], $%3$d::timestamptz[]) AS m(kind, due)""";

  private static String[] kinds(List<Mail> mails) {
    return mails.stream().map(Mail::kind).toArray(String[]::new);
  }

  private static OffsetDateTime[] dues(List<Mail> mails) {
    return mails.stream().map(m -> utc(m.due())).toArray(OffsetDateTime[]::new);
  }

  /** What a manage link of an appointment is checked against: when it ends, and the links' version. */
  public record LinkState(Instant end, int version) {}

  public Future<Optional<LinkState>> linkState(SqlClient db, UUID id) {
    return db.preparedQuery("SELECT ends_at, manage_token_version FROM appointment WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> Rows.first(rows).map(r -> new LinkState(r.getOffsetDateTime("ends_at").toInstant(),
            r.getInteger("manage_token_version"))));
  }

  /** Every earlier link of the appointment stops working; true when it exists. */
  public Future<Boolean> renewManageLink(SqlClient db, UUID id) {
    return db.preparedQuery("UPDATE appointment SET manage_token_version = manage_token_version + 1 WHERE id = $1")
        .execute(Tuple.of(id)).map(rows -> rows.rowCount() == 1);
  }

  /** The booking an idempotency key (with its scope) made, and the fingerprint of that request. */
  public record KeyUse(UUID appointmentId, byte[] fingerprint) {}

  public Future<Optional<KeyUse>> byIdempotencyKey(SqlClient db, String scopedKey) {
    return db.preparedQuery("SELECT id, idempotency_fingerprint FROM appointment WHERE idempotency_key = $1")
        .execute(Tuple.of(scopedKey))
        .map(rows -> Rows.first(rows).map(r -> new KeyUse(r.getUUID("id"),
            r.getBuffer("idempotency_fingerprint") == null ? null : r.getBuffer("idempotency_fingerprint").getBytes())));
  }

  /** An appointment as the API shows it, from the relation named (the table, or rows just inserted). */
  private static final String APPOINTMENT_OF = """
      SELECT a.*, s.name AS service_name, s.organisation_id, o.name AS administration, o.time_zone,
             u.display_name AS agent_name, p.name AS point_name, p.commune AS point_commune, b.display_name AS booked_by_name
      FROM %s a
      JOIN visio_service s ON s.id = a.service_id
      JOIN organisation o ON o.id = s.organisation_id
      JOIN app_user u ON u.id = a.agent_id
      LEFT JOIN visio_point p ON p.id = a.point_id
      LEFT JOIN app_user b ON b.id = a.booked_by""";
  private static final String APPOINTMENT = APPOINTMENT_OF.formatted("appointment");

  public Future<Optional<Appointment>> appointment(SqlClient db, UUID id, Duration joinOpensBefore) {
    return db.preparedQuery(APPOINTMENT + " WHERE a.id = $1").execute(Tuple.of(id))
        .map(rows -> Rows.first(rows).map(r -> appointment(r, joinOpensBefore)));
  }

  public Future<String> roomName(SqlClient db, UUID id) {
    return db.preparedQuery("SELECT room_name FROM appointment WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.iterator().next().getString("room_name"));
  }

  /** An administration's appointments starting within the window (an agent's day view). */
  public Future<List<Appointment>> forOrganisation(SqlClient db, UUID organisationId, Instant from, Instant to, Duration opens) {
    return db.preparedQuery(APPOINTMENT + " WHERE s.organisation_id = $1 AND a.starts_at >= $2 AND a.starts_at < $3"
            + " ORDER BY a.starts_at, a.reference")
        .execute(Tuple.of(organisationId, utc(from), utc(to)))
        .map(rows -> Rows.map(rows, r -> appointment(r, opens)));
  }

  /** What a mediator booked, from a time on. */
  public Future<List<Appointment>> bookedBy(SqlClient db, UUID userId, Instant from, Instant to, Duration opens) {
    return db.preparedQuery(APPOINTMENT + " WHERE a.booked_by = $1 AND a.starts_at >= $2 AND a.starts_at < $3"
            + " ORDER BY a.starts_at, a.reference")
        .execute(Tuple.of(userId, utc(from), utc(to)))
        .map(rows -> Rows.map(rows, r -> appointment(r, opens)));
  }

  /** A conditional change of status: zero rows means the appointment was not in an expected state. */
  public Future<Boolean> transition(SqlClient db, UUID id, List<String> from, String to, Instant now) {
    String stamp = switch (to) {
      case "cancelled" -> ", cancelled_at = $4";
      case "completed", "no_show" -> ", finished_at = $4";
      default -> ", agent_joined_at = COALESCE(agent_joined_at, $4)";
    };
    return db.preparedQuery("UPDATE appointment SET status = $3" + stamp + " WHERE id = $1 AND status = ANY($2::text[])")
        .execute(Tuple.of(id, from.toArray(String[]::new), to, utc(now)))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Boolean> citizenWaiting(SqlClient db, UUID id, Instant at) {
    return db.preparedQuery("UPDATE appointment SET citizen_waiting_at = $2 WHERE id = $1 AND status IN ('booked', 'in_call')")
        .execute(Tuple.of(id, utc(at)))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Boolean> reschedule(SqlClient db, UUID id, UUID agentId, Instant start, Instant end, Instant blockedUntil) {
    return db.preparedQuery("""
            UPDATE appointment SET agent_id = $2, starts_at = $3, ends_at = $4, blocked_until = $5, citizen_waiting_at = NULL
            WHERE id = $1 AND status = 'booked'""")
        .execute(Tuple.of(id, agentId, utc(start), utc(end), utc(blockedUntil)))
        .map(rows -> rows.rowCount() == 1)
        .recover(refusals(APPOINTMENT_RULES));
  }

  // Mails.

  public Future<Void> scheduleMail(SqlClient db, UUID appointmentId, String kind, Instant due) {
    return scheduleMails(db, appointmentId, List.of(new Mail(kind, due)));
  }

  /** Several mails of an appointment in one statement. */
  public Future<Void> scheduleMails(SqlClient db, UUID appointmentId, List<Mail> mails) {
    if (mails.isEmpty()) {
      return Future.succeededFuture();
    }
    return db.preparedQuery("WITH one AS (SELECT $1::uuid AS id) " + MAILS.formatted("one", 2, 3))
        .execute(Tuple.of(appointmentId, kinds(mails), dues(mails)))
        .mapEmpty();
  }

  /** Unsent reminders of an appointment are dropped when it is cancelled or moved. */
  public Future<Void> dropReminders(SqlClient db, UUID appointmentId) {
    return db.preparedQuery("DELETE FROM visio_mail WHERE appointment_id = $1 AND sent_at IS NULL AND kind LIKE 'reminder%'")
        .execute(Tuple.of(appointmentId))
        .mapEmpty();
  }

  public record DueMail(long id, UUID appointmentId, String kind, int attempts) {}

  /** Claims due mails for a while; another node skips them, and takes them back only if this one died. */
  public Future<List<DueMail>> claimDueMails(SqlClient db, Instant now, Instant claimUntil, int limit) {
    return db.preparedQuery("""
            UPDATE visio_mail SET claimed_until = $2, attempts = attempts + 1
            WHERE id IN (SELECT id FROM visio_mail
                         WHERE sent_at IS NULL AND due_at <= $1 AND attempts < 10
                           AND (claimed_until IS NULL OR claimed_until < $1)
                         ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED)
            RETURNING id, appointment_id, kind, attempts""")
        .execute(Tuple.of(utc(now), utc(claimUntil), limit))
        .map(rows -> Rows.map(rows, r -> new DueMail(r.getLong("id"), r.getUUID("appointment_id"), r.getString("kind"),
            r.getInteger("attempts"))));
  }

  public Future<Void> mailSent(SqlClient db, long id, Instant at) {
    return db.preparedQuery("UPDATE visio_mail SET sent_at = $2, last_error = NULL WHERE id = $1")
        .execute(Tuple.of(id, utc(at))).mapEmpty();
  }

  /** A failed attempt is retried a few minutes later. */
  public Future<Void> mailFailed(SqlClient db, long id, String error, Instant retryAt) {
    return db.preparedQuery("UPDATE visio_mail SET last_error = $2, claimed_until = NULL, due_at = $3 WHERE id = $1")
        .execute(Tuple.of(id, error.length() > 500 ? error.substring(0, 500) : error, utc(retryAt))).mapEmpty();
  }

  // Row helpers.

  private static Appointment appointment(Row r, Duration joinOpensBefore) {
    ZoneId zone = ZoneId.of(r.getString("time_zone"));
    Instant start = Rows.instant(r, "starts_at");
    UUID bookedBy = r.getUUID("booked_by");
    return new Appointment(Rows.id(r, "id"), r.getString("reference"), Rows.id(r, "service_id"), r.getString("service_name"),
        r.getString("administration"), Rows.id(r, "organisation_id"), local(start, zone), local(Rows.instant(r, "ends_at"), zone),
        r.getString("status"), Rows.id(r, "point_id"), r.getString("point_name"), r.getString("point_commune"),
        new Appointment.Citizen(r.getString("citizen_name"), r.getString("citizen_email"), r.getString("citizen_phone")),
        r.getString("note"), Rows.strings(r, "accessibility"), Rows.id(r, "agent_id"), r.getString("agent_name"),
        bookedBy == null ? null : new Appointment.BookedBy(bookedBy.toString(), r.getString("booked_by_name")),
        r.getValue("citizen_waiting_at") != null, r.getValue("agent_joined_at") != null,
        local(start.minus(joinOpensBefore), zone), Rows.instant(r, "created_at"), zone.getId(),
        r.getInteger("manage_token_version"));
  }

  static OffsetDateTime local(Instant instant, ZoneId zone) {
    return instant == null ? null : instant.atZone(zone).toOffsetDateTime();
  }

  private static JsonArray json(Row r, String column) {
    Object value = r.getValue(column);
    return value instanceof JsonArray array ? array : new JsonArray(String.valueOf(value));
  }

  private static List<SlotCalculator.WeeklyRange> weekly(JsonArray rows) {
    List<SlotCalculator.WeeklyRange> out = new ArrayList<>();
    for (Object o : rows) {
      JsonArray a = (JsonArray) o;
      out.add(new SlotCalculator.WeeklyRange(DayOfWeek.of(a.getInteger(0)), LocalTime.parse(a.getString(1)),
          LocalTime.parse(a.getString(2))));
    }
    return out;
  }

  private static List<VisioRecords.Hours> hours(JsonArray rows) {
    return weekly(rows).stream().map(w -> new VisioRecords.Hours(w.day().getValue(), w.start(), w.end())).toList();
  }


  private static List<SlotCalculator.Interval> intervals(Long[] starts, Long[] ends) {
    if (starts == null) {
      return List.of();
    }
    List<SlotCalculator.Interval> out = new ArrayList<>(starts.length);
    for (int i = 0; i < starts.length; i++) {
      out.add(new SlotCalculator.Interval(Instant.ofEpochMilli(starts[i]), Instant.ofEpochMilli(ends[i])));
    }
    return out;
  }

  private static List<SlotCalculator.Interval> isoIntervals(JsonArray rows) {
    List<SlotCalculator.Interval> out = new ArrayList<>(rows.size());
    for (Object o : rows) {
      JsonArray a = (JsonArray) o;
      out.add(new SlotCalculator.Interval(instant(a.getString(0)), instant(a.getString(1))));
    }
    return out;
  }

  private static List<SlotCalculator.Interval> intervals(JsonArray rows) {
    List<SlotCalculator.Interval> out = new ArrayList<>(rows.size());
    for (Object o : rows) {
      JsonArray a = (JsonArray) o;
      out.add(new SlotCalculator.Interval(Instant.ofEpochMilli(a.getLong(0)), Instant.ofEpochMilli(a.getLong(1))));
    }
    return out;
  }

  /** json_build_array renders timestamptz as ISO-8601 with an offset. */
  private static Instant instant(String value) {
    return OffsetDateTime.parse(value).toInstant();
  }

  private static Future<Void> insertHours(SqlClient db, String table, String owner, UUID id, List<VisioRecords.Hours> hours) {
    if (hours == null || hours.isEmpty()) {
      return Future.succeededFuture();
    }
    return db.preparedQuery("INSERT INTO " + table + " (" + owner + ", weekday, start_time, end_time)"
            + " SELECT $1, d, s, e FROM unnest($2::smallint[], $3::time[], $4::time[]) AS h(d, s, e)")
        .execute(Tuple.of(id, hours.stream().map(h -> (short) h.weekday()).toArray(Short[]::new),
            hours.stream().map(VisioRecords.Hours::start).toArray(LocalTime[]::new),
            hours.stream().map(VisioRecords.Hours::end).toArray(LocalTime[]::new)))
        .mapEmpty();
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }
}
