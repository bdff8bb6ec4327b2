package fr.cantou.teleconsult;

import fr.cantou.platform.db.DatabaseErrors;
import fr.cantou.platform.db.DatabaseErrors.Rule;
import fr.cantou.platform.db.DatabaseErrors.Violation;
import fr.cantou.platform.db.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * SQL of teleconsultations: the queue, its reads, claims and changes, and its jobs. Their
 * timeline is {@link TimelineStore}'s, the audit of reads {@link HealthDataAccessStore}'s, the
 * patient's data {@link PatientDataStore}'s. Long because the queue's visibility (one SQL
 * fragment, VISIBLE_IN_QUEUE) is shared by the reads and the claims, which read best beside it.
 */
public final class TeleconsultStore {
  /** Without history, a teleconsultation is assumed to take this long (for the wait estimate). */
  static final double DEFAULT_HANDLING_MINUTES = 15;

  /** What the schema refuses, in the queue's words (failures {@link DatabaseErrors.Refused} carry one). */
  public enum Refusal { DOCTOR_ALREADY_BUSY, UNKNOWN_SPECIALTY, KEY_USED }

  private static <T> java.util.function.Function<Throwable, Future<T>> refusals() {
    return DatabaseErrors.refusals(new Rule(Violation.UNIQUE, "one_open_per_doctor", Refusal.DOCTOR_ALREADY_BUSY),
        new Rule(Violation.FOREIGN_KEY, "specialty", Refusal.UNKNOWN_SPECIALTY),
        new Rule(Violation.UNIQUE, "idempotency_key", Refusal.KEY_USED));
  }

  public record NewRequest(UUID organisationId, UUID nurseId, String patientReference, String patientInitials,
                           Integer patientBirthYear, String reason, String specialty, String urgency, String consentBy,
                           UUID preferredDoctorId, Instant queuedAt, boolean announced, String roomName,
                           String idempotencyKey, String kind) {}

  /** Queue position per specialty, doctors available now, and the recent median handling time. */
  private static final String SELECT = """
      WITH queue AS (
        SELECT id, row_number() OVER (PARTITION BY specialty
                                      ORDER BY CASE urgency WHEN 'urgent' THEN 0 ELSE 1 END, queued_at, id) AS position
        FROM teleconsultation WHERE status = 'queued' AND announced_at IS NOT NULL),
      available AS (
        SELECT us.specialty_code AS specialty, count(*) AS doctors
        FROM doctor_presence p
        JOIN app_user u ON u.id = p.doctor_id AND u.active
        JOIN user_specialty us ON us.user_id = p.doctor_id
        WHERE p.status = 'available' GROUP BY us.specialty_code),
      handling AS (
        SELECT specialty, kind, percentile_cont(0.5) WITHIN GROUP (
                 ORDER BY extract(epoch FROM completed_at - assigned_at) / 60.0) AS minutes
        FROM teleconsultation
        WHERE status = 'completed' AND completed_at > $1::timestamptz - interval '30 days' GROUP BY specialty, kind)
      SELECT t.*, o.name AS organisation_name, o.phone AS organisation_phone, n.display_name AS nurse_name,
             d.display_name AS doctor_name,
             q.position, COALESCE(a.doctors, 0) AS available_doctors, h.minutes AS handling_minutes,
             """ + VitalSignsStore.OF_ITEM + ",\n" + ExchangeStore.OF_ITEM + ",\n" + CareFileStore.OF_ITEM + """
      FROM teleconsultation t
      JOIN organisation o ON o.id = t.organisation_id
      JOIN app_user n ON n.id = t.nurse_id
      LEFT JOIN app_user d ON d.id = t.doctor_id
      LEFT JOIN queue q ON q.id = t.id
      LEFT JOIN available a ON a.specialty = t.specialty
      LEFT JOIN handling h ON h.specialty = t.specialty AND h.kind = t.kind
      """;

  /**
   * Places beyond this are told as "more than" it ({@code positionAtLeast}): counting a place reads every item ahead
   * (fresh rows are never all-visible, so each is fetched from the table), and a queue swollen by an outage or a
   * script made every create and every read of an item pay for all of it — 8 ms of PostgreSQL's time per create with
   * thousands queued (bench, 7 December 2026). No département's queue of one specialty comes near it.
   */
  static final int PLACES_COUNTED = 100;

  /**
   * The same columns for one item, each figure worked out for its specialty only: its place is
   * the count of items ahead of it, not a numbering of every queue. Two counts, each one range of
   * the index teleconsultation_waiting (V73) read without the rows, each stopping once past
   * {@link #PLACES_COUNTED}: the urgent items when it is not urgent, then those of its urgency up
   * to it ((queued_at, id) as the queue orders them).
   */
  private static final String SELECT_ONE = """
      SELECT t.*, o.name AS organisation_name, o.phone AS organisation_phone, n.display_name AS nurse_name,
             d.display_name AS doctor_name,
             CASE WHEN t.status = 'queued' AND t.announced_at IS NOT NULL THEN
               (SELECT count(*) FROM (SELECT FROM teleconsultation q
                WHERE q.status = 'queued' AND q.announced_at IS NOT NULL AND q.specialty = t.specialty
                  AND q.urgency = 'urgent' AND t.urgency <> 'urgent' LIMIT\s""" + (PLACES_COUNTED + 1) + """
                ) urgent)
             + (SELECT count(*) FROM (SELECT FROM teleconsultation q
                WHERE q.status = 'queued' AND q.announced_at IS NOT NULL AND q.specialty = t.specialty
                  AND q.urgency = t.urgency AND (q.queued_at, q.id) <= (t.queued_at, t.id)
                LIMIT\s""" + (PLACES_COUNTED + 1) + """
                ) up_to_it) END AS position,
             (SELECT count(*) FROM doctor_presence p
              JOIN app_user u ON u.id = p.doctor_id AND u.active
              JOIN user_specialty us ON us.user_id = p.doctor_id AND us.specialty_code = t.specialty
              WHERE p.status = 'available') AS available_doctors,
             (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.completed_at - c.assigned_at) / 60.0)
              FROM teleconsultation c WHERE c.status = 'completed' AND c.specialty = t.specialty AND c.kind = t.kind
                AND c.completed_at > $1::timestamptz - interval '30 days') AS handling_minutes,
             """ + VitalSignsStore.OF_ITEM + ",\n" + ExchangeStore.OF_ITEM + ",\n" + CareFileStore.OF_ITEM + """
      FROM teleconsultation t
      JOIN organisation o ON o.id = t.organisation_id
      JOIN app_user n ON n.id = t.nurse_id
      LEFT JOIN app_user d ON d.id = t.doctor_id
      WHERE t.id = $2""";

  private static final String URGENT_FIRST = " ORDER BY CASE t.urgency WHEN 'urgent' THEN 0 ELSE 1 END, t.queued_at, t.id";

  /** Teleconsultations waiting in the announced queue, by specialty (for the node's figures). */
  public Future<java.util.Map<String, Long>> queueLengths(SqlClient db) {
    return db.query("SELECT specialty, count(*) AS n FROM teleconsultation"
            + " WHERE status = 'queued' AND announced_at IS NOT NULL GROUP BY specialty").execute()
        .map(rows -> {
          java.util.Map<String, Long> lengths = new java.util.HashMap<>();
          rows.forEach(row -> lengths.put(row.getString("specialty"), row.getLong("n")));
          return lengths;
        });
  }

  public Future<Long> callsInProgress(SqlClient db) {
    return db.query("SELECT count(*) FROM teleconsultation WHERE status = 'in_call'").execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** Under an id chosen by the caller, so that the statements after it can be sent before its answer. */
  public Future<Void> insert(SqlClient db, UUID id, NewRequest r, Instant now) {
    return db.preparedQuery("""
            INSERT INTO teleconsultation (organisation_id, nurse_id, patient_reference, patient_initials, patient_birth_year,
              reason, specialty, urgency, consent_by, consent_at, preferred_doctor_id, queued_at, announced_at, status,
              room_name, idempotency_key, created_at, kind, id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'queued', $14, $15, $10, $16, $17)""")
        .execute(Tuple.from(new Object[] {r.organisationId(), r.nurseId(), r.patientReference(), r.patientInitials(),
            r.patientBirthYear(), r.reason(), r.specialty(), r.urgency(), r.consentBy(), utc(now), r.preferredDoctorId(),
            utc(r.queuedAt()), r.announced() ? utc(now) : null, r.roomName(), r.idempotencyKey(), r.kind(), id}))
        .<Void>mapEmpty()
        .recover(refusals());
  }

  public Future<Optional<UUID>> byIdempotencyKey(SqlClient db, UUID nurseId, String key) {
    return db.preparedQuery("SELECT id FROM teleconsultation WHERE nurse_id = $1 AND idempotency_key = $2")
        .execute(Tuple.of(nurseId, key))
        .map(rows -> Rows.first(rows).map(r -> r.getUUID("id")));
  }

  public Future<Boolean> isActiveDoctor(SqlClient db, UUID id) {
    return db.preparedQuery("SELECT 1 FROM app_user WHERE id = $1 AND role = 'doctor' AND active")
        .execute(Tuple.of(id)).map(rows -> rows.rowCount() == 1);
  }

  /**
   * Locks an item that is in one of {@code statuses}, not erased, and (when {@code doctor} is
   * given) held by that doctor; no row when it is not. What is added to an item (vital signs,
   * messages) takes this lock first, in its own statement: the count of what the item holds is
   * then read after every concurrent addition committed, and a completion or a cancellation
   * (which update the row) waits for the addition or refuses it.
   */
  // NO KEY UPDATE: lockers still take turns, but a row that only refers to the item (a file staged
  // before its short transaction, a line of another item's) need not wait for the lock to end.
  static final String LOCK_OPEN = """
      SELECT 1 FROM teleconsultation
      WHERE id = $1 AND status = ANY($2) AND erased_at IS NULL AND ($3::uuid IS NULL OR doctor_id = $3)
      FOR NO KEY UPDATE""";

  /** An item with its room's name, both from one row of one statement (see {@link #findWithRoom}). */
  public record WithRoom(Teleconsultation item, String roomName) {}

  /**
   * The item and its room's name read together, so that the rights checked on the item are
   * checked on the room's holder: a room read by a statement of its own after the check could
   * be the next doctor's, the item given back and taken again in between. The room's name stays
   * out of the item's JSON: only /join hands it out, to its participants.
   */
  public Future<Optional<WithRoom>> findWithRoom(SqlClient db, UUID id, Instant now) {
    return db.preparedQuery(SELECT_ONE)
        .execute(Tuple.of(utc(now), id))
        .map(rows -> Rows.first(rows).map(r -> new WithRoom(item(r), r.getString("room_name"))));
  }

  /** What the visibility rule reads of each of these items, by id (an id of no item is absent). */
  public Future<Map<UUID, TeleconsultVisibility.Facts>> visibilityFacts(SqlClient db, Collection<UUID> ids) {
    return db.preparedQuery("""
            SELECT id, organisation_id, doctor_id, preferred_doctor_id, status, specialty,
                   escalated_at IS NOT NULL AS escalated, announced_at IS NOT NULL AS announced
            FROM teleconsultation WHERE id = ANY($1)""")
        .execute(Tuple.of(ids.toArray(UUID[]::new)))
        .map(rows -> {
          Map<UUID, TeleconsultVisibility.Facts> facts = new HashMap<>();
          for (Row r : rows) {
            facts.put(r.getUUID("id"), new TeleconsultVisibility.Facts(r.getUUID("organisation_id"), r.getUUID("doctor_id"),
                r.getUUID("preferred_doctor_id"), r.getString("status"), r.getString("specialty"), r.getBoolean("escalated"),
                r.getBoolean("announced")));
          }
          return facts;
        });
  }

  public Future<Optional<Teleconsultation>> find(SqlClient db, UUID id, Instant now) {
    return db.preparedQuery(SELECT_ONE)
        .execute(Tuple.of(utc(now), id))
        .map(rows -> Rows.first(rows).map(TeleconsultStore::item));
  }

  /** The organisation's requests, newest first within the queue order. */
  public Future<List<Teleconsultation>> forOrganisation(SqlClient db, UUID organisationId, String status, Instant now) {
    return db.preparedQuery(SELECT + " WHERE t.organisation_id = $2 AND ($3::text IS NULL OR t.status = $3)"
            + " AND ($3::text IS NOT NULL OR t.status IN ('queued', 'assigned', 'in_call') OR t.created_at > $1::timestamptz - interval '2 days')"
            + URGENT_FIRST + " LIMIT 500")
        .execute(Tuple.of(utc(now), organisationId, status))
        .map(rows -> Rows.map(rows, TeleconsultStore::item));
  }

  /** What a doctor may see: the announced queue of her specialties (escalated ones too for the wider pool), and her own. */
  public Future<List<Teleconsultation>> forDoctor(SqlClient db, UUID doctorId, List<String> specialties, String status,
                                                   Instant now) {
    return db.preparedQuery(SELECT + " WHERE (" + VISIBLE_IN_QUEUE + " OR t.doctor_id = $2)"
            + " AND ($4::text IS NULL OR t.status = $4)"
            + " AND ($4::text IS NOT NULL OR t.status IN ('queued', 'assigned', 'in_call') OR t.completed_at > $1::timestamptz - interval '1 day')"
            + URGENT_FIRST + " LIMIT 500")
        .execute(Tuple.of(utc(now), doctorId, specialties.toArray(String[]::new), status))
        .map(rows -> Rows.map(rows, TeleconsultStore::item));
  }

  /** $2 = doctor id, $3 = her specialties. */
  private static final String VISIBLE_IN_QUEUE = """
      (t.status = 'queued' AND t.announced_at IS NOT NULL
       AND (t.specialty = ANY($3::text[]) OR t.preferred_doctor_id = $2
            OR (t.escalated_at IS NOT NULL AND 'medecine_generale' = ANY($3::text[]))))""";

  /**
   * One doctor wins: the row changes only while it is still queued and visible to her. Each
   * assignment opens a new room: a doctor who gave the item back holds a token for a room
   * nobody will use again.
   */
  public Future<Boolean> claim(SqlClient db, UUID id, UUID doctorId, List<String> specialties, Instant now, String room) {
    return db.preparedQuery("UPDATE teleconsultation t SET status = 'assigned', doctor_id = $2, assigned_at = $1,"
            + " nurse_joined_at = NULL, doctor_joined_at = NULL, room_name = $5 WHERE t.id = $4 AND " + VISIBLE_IN_QUEUE)
        .execute(Tuple.of(utc(now), doctorId, specialties.toArray(String[]::new), id, room))
        .map(rows -> rows.rowCount() == 1)
        .recover(refusals());
  }

  /** The most urgent, oldest visible item, skipping rows another doctor is claiming right now. */
  public Future<Optional<UUID>> claimNext(SqlClient db, UUID doctorId, List<String> specialties, Instant now, String room) {
    return db.preparedQuery("""
            UPDATE teleconsultation SET status = 'assigned', doctor_id = $2, assigned_at = $1,
                   nurse_joined_at = NULL, doctor_joined_at = NULL, room_name = $4
            WHERE id = (SELECT t.id FROM teleconsultation t WHERE""" + VISIBLE_IN_QUEUE
            + " ORDER BY (t.preferred_doctor_id IS NOT DISTINCT FROM $2) DESC,"
            + " CASE t.urgency WHEN 'urgent' THEN 0 ELSE 1 END, t.queued_at, t.id LIMIT 1 FOR UPDATE SKIP LOCKED)"
            + " AND status = 'queued' RETURNING id")
        .execute(Tuple.of(utc(now), doctorId, specialties.toArray(String[]::new), room))
        .map(rows -> Rows.first(rows).map(r -> r.getUUID("id")))
        .recover(refusals());
  }

  /** assigned → queued (released by the doctor, or nobody joined in time). Keeps its place in the queue. */
  public Future<Boolean> requeue(SqlClient db, UUID id, UUID doctorId) {
    return db.preparedQuery("""
            UPDATE teleconsultation SET status = 'queued', doctor_id = NULL, assigned_at = NULL, video_at = NULL,
                   nurse_joined_at = NULL, doctor_joined_at = NULL
            WHERE id = $1 AND status = 'assigned' AND ($2::uuid IS NULL OR doctor_id = $2)""")
        .execute(Tuple.of(id, doctorId))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Records that the nurse's or the doctor's side entered the room; the call starts (in_call)
   * once both have. The CASE reads the row as it was before this update.
   */
  public Future<Optional<String>> markJoined(SqlClient db, UUID id, boolean nurseSide, Instant now) {
    String mine = nurseSide ? "nurse_joined_at" : "doctor_joined_at";
    String other = nurseSide ? "doctor_joined_at" : "nurse_joined_at";
    return db.preparedQuery("UPDATE teleconsultation SET " + mine + " = COALESCE(" + mine + ", $2),"
            + " started_at = CASE WHEN status = 'assigned' AND " + other + " IS NOT NULL THEN $2 ELSE started_at END,"
            + " status = CASE WHEN status = 'assigned' AND " + other + " IS NOT NULL THEN 'in_call' ELSE status END"
            + " WHERE id = $1 AND status IN ('assigned', 'in_call') RETURNING status")
        .execute(Tuple.of(id, utc(now)))
        .map(rows -> Rows.first(rows).map(r -> r.getString("status")));
  }

  public Future<Boolean> complete(SqlClient db, UUID id, UUID doctorId, String report, String outcome, Instant now) {
    return db.preparedQuery("""
            UPDATE teleconsultation SET status = 'completed', report = $3, outcome = $4, completed_at = $5
            WHERE id = $1 AND doctor_id = $2 AND status IN ('assigned', 'in_call')""")
        .execute(Tuple.of(id, doctorId, report, outcome, utc(now)))
        .map(rows -> rows.rowCount() == 1);
  }

  /** The assigned doctor turns an opinion into a video call; false when it is not an opinion she holds now. */
  public Future<Boolean> toVideo(SqlClient db, UUID item, UUID doctor, Instant now) {
    return db.preparedQuery("""
            UPDATE teleconsultation SET kind = 'video', video_at = $3
            WHERE id = $1 AND doctor_id = $2 AND kind = 'opinion' AND status = 'assigned'""")
        .execute(Tuple.of(item, doctor, utc(now)))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Boolean> cancel(SqlClient db, UUID id, Instant now) {
    return db.preparedQuery("UPDATE teleconsultation SET status = 'cancelled', cancelled_at = $2 WHERE id = $1 AND status = 'queued'")
        .execute(Tuple.of(id, utc(now)))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Planned requests whose time has come: announced to the doctors now, {@code most} of them (the first planned),
   * rows another node's job holds skipped.
   */
  public Future<List<UUID>> announceDue(SqlClient db, Instant now, int most) {
    return db.preparedQuery("""
            UPDATE teleconsultation SET announced_at = $1
            WHERE id IN (SELECT id FROM teleconsultation
                         WHERE status = 'queued' AND announced_at IS NULL AND queued_at <= $1
                         ORDER BY queued_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING id""")
        .execute(Tuple.of(utc(now), most))
        .map(rows -> Rows.map(rows, r -> r.getUUID("id")));
  }

  /**
   * A video request assigned too long ago (or an opinion turned into a call too long ago) with
   * nobody in the room: back to the queue, {@code most} of them (the oldest), rows held elsewhere skipped. A written
   * opinion has no room to join.
   */
  public Future<List<UUID>> requeueUnjoined(SqlClient db, Instant assignedBefore, int most) {
    return db.preparedQuery("""
            UPDATE teleconsultation SET status = 'queued', doctor_id = NULL, assigned_at = NULL, video_at = NULL
            WHERE id IN (SELECT id FROM teleconsultation
                         WHERE status = 'assigned' AND kind = 'video' AND coalesce(video_at, assigned_at) < $1
                           AND nurse_joined_at IS NULL AND doctor_joined_at IS NULL
                         ORDER BY coalesce(video_at, assigned_at), id LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING id""")
        .execute(Tuple.of(utc(assignedBefore), most))
        .map(rows -> Rows.map(rows, r -> r.getUUID("id")));
  }

  /** A request given back because its doctor left, and what it was then. */
  public record Abandoned(UUID id, String was, String kind) {}

  /**
   * Assigned or in call, held by a doctor who has had no console open on any living node since
   * before {@code goneBefore}: back to the queue at its place (its queued_at is kept), her join
   * marks and start cleared (the next assignment opens a new room). A doctor is judged only
   * from her counts: no live one (a count above 0 on a node heard from after
   * {@code nodeAliveAfter}), and the last sign of her is older than {@code goneBefore} — when
   * her count went to 0, or the last heartbeat (or count) of the dead node that held her
   * console, or her own acts on the request (taking it, turning a written opinion into a call, first
   * joining its room): one taken the instant before, her console not yet open, is not given back at once. A doctor never counted (no console ever seen) is not judged: the join timeout
   * still applies to what she holds. One conditional UPDATE of {@code most} of them (rows another node's job holds
   * skipped): a completion or a second node's job racing it finds the row changed, and each row changes once.
   */
  public Future<List<Abandoned>> requeueAbandoned(SqlClient db, Instant goneBefore, Instant opinionGoneBefore,
                                                  Instant nodeAliveAfter, int most) {
    return db.preparedQuery("""
            WITH gone AS (
              SELECT c.doctor_id,
                     max(CASE WHEN c.connections > 0 THEN GREATEST(n.seen_at, c.changed_at) ELSE c.changed_at END) AS last_seen
              FROM doctor_connection c LEFT JOIN node_heartbeat n ON n.node_id = c.node_id
              GROUP BY c.doctor_id
              HAVING NOT bool_or(c.connections > 0 AND COALESCE(n.seen_at > $2, false))),
            chosen AS (
              SELECT t.id FROM teleconsultation t JOIN gone ON gone.doctor_id = t.doctor_id
              WHERE t.status IN ('assigned', 'in_call')
                AND GREATEST(gone.last_seen, t.assigned_at, t.video_at, t.doctor_joined_at)
                    < CASE t.kind WHEN 'opinion' THEN $3::timestamptz ELSE $1::timestamptz END
              ORDER BY t.id LIMIT $4 FOR UPDATE OF t SKIP LOCKED)
            UPDATE teleconsultation t SET status = 'queued', doctor_id = NULL, assigned_at = NULL, started_at = NULL,
                   video_at = NULL, nurse_joined_at = NULL, doctor_joined_at = NULL
            FROM gone, teleconsultation was
            WHERE t.id IN (SELECT id FROM chosen)
              AND t.doctor_id = gone.doctor_id AND t.status IN ('assigned', 'in_call') AND was.id = t.id
              AND GREATEST(gone.last_seen, t.assigned_at, t.video_at, t.doctor_joined_at)
                  < CASE t.kind WHEN 'opinion' THEN $3::timestamptz ELSE $1::timestamptz END
            RETURNING t.id, was.status AS was, t.kind""")
        .execute(Tuple.of(utc(goneBefore), utc(nodeAliveAfter), utc(opinionGoneBefore), most))
        .map(rows -> Rows.map(rows, r -> new Abandoned(r.getUUID("id"), r.getString("was"), r.getString("kind"))));
  }

  /** Waiting longer than allowed: flagged overdue and shown to the wider pool, {@code most} of them (the oldest). */
  public Future<List<UUID>> escalateOverdue(SqlClient db, Instant queuedBefore, Instant now, int most) {
    return db.preparedQuery("""
            UPDATE teleconsultation SET escalated_at = $2
            WHERE id IN (SELECT id FROM teleconsultation
                         WHERE status = 'queued' AND announced_at IS NOT NULL AND escalated_at IS NULL AND queued_at < $1
                         ORDER BY queued_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
            RETURNING id""")
        .execute(Tuple.of(utc(queuedBefore), utc(now), most))
        .map(rows -> Rows.map(rows, r -> r.getUUID("id")));
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Teleconsultation item(Row r) {
    String status = r.getString("status");
    boolean announced = r.getValue("announced_at") != null;
    Long counted = status.equals(Status.QUEUED) && announced ? r.getLong("position") : null;
    Boolean positionAtLeast = counted != null && counted > PLACES_COUNTED ? Boolean.TRUE : null;
    Integer position = counted == null ? null : (int) Math.min(counted, PLACES_COUNTED + 1);
    Integer available = status.equals(Status.QUEUED) ? r.getLong("available_doctors").intValue() : null;
    Integer estimate = null;
    if (position != null && available != null && available > 0) {
      Double handling = r.getDouble("handling_minutes");
      double minutes = handling == null ? DEFAULT_HANDLING_MINUTES : handling;
      estimate = (int) Math.ceil(position * minutes / available);
    }
    Instant queuedAt = Rows.instant(r, "queued_at");
    return new Teleconsultation(
        Rows.id(r, "id"), status, r.getString("urgency"), r.getString("specialty"), r.getString("reason"),
        new Teleconsultation.Patient(r.getString("patient_reference"), r.getString("patient_initials"),
            r.getInteger("patient_birth_year")),
        Rows.id(r, "organisation_id"), r.getString("organisation_name"), r.getString("organisation_phone"),
        Rows.id(r, "nurse_id"), r.getString("nurse_name"),
        Rows.id(r, "doctor_id"), r.getString("doctor_name"), Rows.id(r, "preferred_doctor_id"),
        position, positionAtLeast, available, estimate,
        r.getValue("escalated_at") != null, r.getValue("escalated_at") != null,
        announced ? null : queuedAt, queuedAt,
        Rows.instant(r, "created_at"), Rows.instant(r, "assigned_at"), Rows.instant(r, "started_at"),
        Rows.instant(r, "completed_at"), Rows.instant(r, "cancelled_at"),
        new Teleconsultation.Participants(Rows.instant(r, "nurse_joined_at"), Rows.instant(r, "doctor_joined_at")),
        r.getString("report"), r.getString("outcome"),
        new Teleconsultation.Consent(true, r.getString("consent_by"), Rows.instant(r, "consent_at")),
        VitalSignsStore.read(r.getValue("vital_signs")), r.getString("kind"), ExchangeStore.read(r.getValue("messages")),
        CareFileStore.read(r.getValue("files")),
        Rows.instant(r, "erased_at"));
  }

}
