package fr.cantou.visio;

import fr.cantou.platform.db.Rows;
import fr.cantou.visio.MailStore.Mail;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static fr.cantou.visio.VisioStore.APPOINTMENT_RULES;
import static fr.cantou.visio.VisioStore.refusals;
import static fr.cantou.visio.VisioStore.utc;

/**
 * SQL of writing an appointment at a time, booked or moved: the locks of the agent's (and
 * point's) time, tried and never waited for; the one statement of a booking; the idempotency
 * keys. The exclusion constraints judge every write ({@link VisioStore#APPOINTMENT_RULES}).
 */
final class BookingStore {
  public record NewAppointment(UUID serviceId, UUID agentId, UUID pointId, Instant start, Instant end, Instant blockedUntil,
                               String reference, String citizenName, String citizenEmail, String citizenPhone, String note,
                               List<String> accessibility, UUID bookedBy, String idempotencyKey, String roomName,
                               byte[] idempotencyFingerprint, UUID bookedAtKiosk) {}

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
   * <p>
   * The pieces come as arrays, not as {@code generate_series} bounds: a series of parameters is
   * planned as 1,000 rows, so PostgreSQL judged its generic plan dearer than planning each call
   * with the bounds' values and planned this statement again at every booking (0.16 ms of a
   * booking's PostgreSQL time, bench of 3 December 2026); an array is planned as a few elements.
   */
  Future<Boolean> tryLockPeriods(SqlClient db, UUID agentId, Instant start, Instant blockedUntil, UUID pointId,
                                 Instant end) {
    return db.preparedQuery("""
            SELECT pg_try_advisory_xact_lock_shared(hashtextextended('agent:' || $1::uuid::text, 0))
               AND (SELECT bool_and(pg_try_advisory_xact_lock(hashtextextended('agent:' || $1::uuid::text || '@' || p, 0)))
                    FROM unnest($2::bigint[]) p)
               AND ($3::uuid IS NULL
                    OR pg_try_advisory_xact_lock_shared(hashtextextended('point:' || $3::uuid::text, 0))
                       AND (SELECT bool_and(pg_try_advisory_xact_lock(hashtextextended('point:' || $3::uuid::text || '@' || p, 0)))
                            FROM unnest($4::bigint[]) p)) AS locked""")
        .execute(Tuple.of(agentId, pieces(start, blockedUntil), pointId, pointId == null ? new Long[0] : pieces(start, end)))
        .map(rows -> rows.iterator().next().getBoolean("locked"));
  }

  /** The pieces a period covers, first to last. */
  static Long[] pieces(Instant start, Instant end) {
    long first = piece(start);
    long last = piece(end.minusMillis(1));
    Long[] pieces = new Long[(int) Math.max(0, last - first + 1)];
    for (int i = 0; i < pieces.length; i++) {
      pieces[i] = first + i;
    }
    return pieces;
  }

  static long piece(Instant at) {
    return Math.floorDiv(at.toEpochMilli(), LOCKED_PIECE.toMillis());
  }

  /** What a booking's one statement did: the agent was away (nothing written), or the appointment, or neither (the key was used). */
  public record Insertion(boolean away, Optional<Appointment> appointment) {}

  /**
   * One statement: checks that no leave of the agent meets the slot, inserts the appointment
   * ({@code status} 'booked', or 'offered': a slot held for the waiting list)
   * unless its idempotency key was used already, writes its mails, and answers the new row as
   * the API shows it. Run under the locks of {@link #tryLockPeriods}, in a statement of its
   * own so that it sees any leave committed before they were taken. The exclusion constraints
   * still judge the insert.
   */
  Future<Insertion> insertAppointment(SqlClient db, NewAppointment a, String status, Instant now, List<Mail> mails,
                                      Duration joinOpensBefore) {
    return db.preparedQuery("""
            WITH leave AS (SELECT EXISTS (SELECT 1 FROM visio_exception
                                          WHERE agent_id = $2::uuid AND ends_at > $4::timestamptz AND starts_at < $5::timestamptz)
                                  AS away),
            inserted AS (
              INSERT INTO appointment (service_id, agent_id, point_id, starts_at, ends_at, blocked_until, status, reference,
                citizen_name, citizen_email, citizen_phone, note, accessibility, booked_by, idempotency_key, room_name, created_at,
                idempotency_fingerprint, booked_at_kiosk)
              SELECT $1::uuid, $2::uuid, $3::uuid, $4::timestamptz, $5::timestamptz, $6::timestamptz, $20::text, $7::text,
                     $8::text, $9::text, $10::text, $11::text, $12::text[], $13::uuid, $14::text, $15::text, $16::timestamptz,
                     $19::bytea, $22::uuid
              FROM leave WHERE NOT leave.away
              ON CONFLICT (idempotency_key) DO NOTHING
              RETURNING *),
            mails AS (""" + MailStore.MAILS.formatted("inserted", 17, 18, 21) + """
            )
            SELECT leave.away, shown.* FROM leave LEFT JOIN (""" + AppointmentStore.APPOINTMENT_OF.formatted("inserted")
            + ") shown ON true")
        .execute(Tuple.from(new Object[] {a.serviceId(), a.agentId(), a.pointId(), utc(a.start()), utc(a.end()),
            utc(a.blockedUntil()), a.reference(), a.citizenName(), a.citizenEmail(), a.citizenPhone(), a.note(),
            a.accessibility().toArray(String[]::new), a.bookedBy(), a.idempotencyKey(), a.roomName(), utc(now),
            MailStore.kinds(mails), MailStore.dues(mails),
            a.idempotencyFingerprint() == null ? null : Buffer.buffer(a.idempotencyFingerprint()), status, MailStore.channels(mails), a.bookedAtKiosk()}))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Insertion(r.getBoolean("away"),
              r.getValue("id") == null ? Optional.empty() : Optional.of(AppointmentStore.appointment(r, joinOpensBefore)));
        })
        .recover(refusals(APPOINTMENT_RULES));
  }

  /** A booked appointment moved to another time (and agent); false when it is no longer booked. */
  Future<Boolean> reschedule(SqlClient db, UUID id, UUID agentId, Instant start, Instant end, Instant blockedUntil) {
    return db.preparedQuery("""
            UPDATE appointment SET agent_id = $2, starts_at = $3, ends_at = $4, blocked_until = $5, citizen_waiting_at = NULL,
                citizen_in_room = '{}', citizen_tried_at = NULL, citizen_video_failed_at = NULL, citizen_video_failed_side = NULL
            WHERE id = $1 AND status = 'booked'""")
        .execute(Tuple.of(id, agentId, utc(start), utc(end), utc(blockedUntil)))
        .map(rows -> rows.rowCount() == 1)
        .recover(refusals(APPOINTMENT_RULES));
  }

  /** The booking an idempotency key (with its scope) made, and the fingerprint of that request. */
  public record KeyUse(UUID appointmentId, byte[] fingerprint) {}

  Future<Optional<KeyUse>> byIdempotencyKey(SqlClient db, String scopedKey) {
    return db.preparedQuery("SELECT id, idempotency_fingerprint FROM appointment WHERE idempotency_key = $1")
        .execute(Tuple.of(scopedKey))
        .map(rows -> Rows.first(rows).map(r -> new KeyUse(r.getUUID("id"),
            r.getBuffer("idempotency_fingerprint") == null ? null : r.getBuffer("idempotency_fingerprint").getBytes())));
  }
}
