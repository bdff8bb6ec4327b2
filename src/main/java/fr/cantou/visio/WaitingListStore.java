package fr.cantou.visio;

import fr.cantou.platform.db.DatabaseErrors.Rule;
import fr.cantou.platform.db.DatabaseErrors.Violation;
import fr.cantou.platform.db.Rows;
import fr.cantou.platform.http.Idempotent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static fr.cantou.visio.VisioStore.refusals;
import static fr.cantou.visio.VisioStore.utc;

/**
 * SQL of the waiting list: the line of each service, the offers (a slot held as an appointment
 * in state 'offered'), and their end: taken, declined, expired or left. Every change of an entry
 * is one conditional statement, so two nodes never move the same entry twice.
 */
final class WaitingListStore {
  /** What the schema refuses on the waiting list. */
  enum Refusal { ALREADY_WAITING, NO_SUCH_POINT, KEY_USED }

  private static final Rule[] JOIN_RULES = {
      new Rule(Violation.UNIQUE, "visio_waiting_once", Refusal.ALREADY_WAITING),
      new Rule(Violation.UNIQUE, "idempotency_key", Refusal.KEY_USED),
      new Rule(Violation.FOREIGN_KEY, "visio_waiting_point_id_fkey", Refusal.NO_SUCH_POINT)};

  /** Someone in line, with the starts already offered to her and the offers her contact got since a time. */
  public record Entry(UUID id, UUID serviceId, UUID pointId, String name, String email, String phone, Instant joinedAt,
                      int offersLately, List<Instant> offeredStarts) {}

  /** An entry as its holder sees it: her place, and the slot held for her if any. */
  public record View(UUID id, UUID serviceId, String serviceName, String administration, UUID pointId, String state,
                     Instant joinedAt, int ahead, Offer offer) {}

  /** A slot held for her: where, when, until when. */
  public record Offer(UUID appointmentId, Instant start, Instant end, String pointName, String pointCommune, Instant expiresAt,
                      String timeZone) {}

  /** A held slot let go (declined, expired, left): its period, for the slots of every node. */
  public record Released(UUID appointmentId, UUID serviceId, UUID agentId, UUID pointId, Instant start, Instant end) {}

  /** A place at the end of the line; {@code sent} (or null): its Idempotency-Key (scoped), kept with it until it closes. */
  Future<UUID> join(SqlClient db, UUID serviceId, UUID pointId, String name, String email, String phone, String contactKey,
                    Instant now, Idempotent sent) {
    return db.preparedQuery("""
            INSERT INTO visio_waiting (service_id, point_id, state, citizen_name, citizen_email, citizen_phone, contact_key, joined_at,
                                       idempotency_key, idempotency_fingerprint)
            VALUES ($1, $2, 'waiting', $3, $4, $5, $6, $7, $8, $9) RETURNING id""")
        .execute(Tuple.from(new Object[] {serviceId, pointId, name, email, phone, contactKey, utc(now),
            sent == null ? null : sent.key(), sent == null ? null : Buffer.buffer(sent.fingerprint())}))
        .map(rows -> rows.iterator().next().getUUID("id"))
        .recover(refusals(JOIN_RULES));
  }

  /** The place still open that a (scoped) Idempotency-Key asked for, and the fingerprint of that request. */
  Future<Optional<Idempotent.Made<UUID>>> byIdempotencyKey(SqlClient db, String scopedKey) {
    return db.preparedQuery("SELECT id, idempotency_fingerprint FROM visio_waiting WHERE idempotency_key = $1")
        .execute(Tuple.of(scopedKey))
        .map(rows -> Rows.first(rows).map(r -> new Idempotent.Made<>(r.getUUID("id"), Rows.bytes(r, "idempotency_fingerprint"))));
  }

  Future<Optional<View>> view(SqlClient db, UUID id) {
    return db.preparedQuery("""
            SELECT w.id, w.service_id, s.name AS service_name, o.name AS administration, w.point_id, w.state, w.joined_at,
                   (SELECT count(*) FROM visio_waiting b WHERE b.service_id = w.service_id AND b.state IN ('waiting', 'offered')
                      AND b.place < w.place) AS ahead,
                   w.offer_id, w.offer_expires_at, a.starts_at, a.ends_at, p.name AS point_name, p.commune AS point_commune,
                   o.time_zone
            FROM visio_waiting w
            JOIN visio_service s ON s.id = w.service_id
            JOIN organisation o ON o.id = s.organisation_id
            LEFT JOIN appointment a ON a.id = w.offer_id
            LEFT JOIN visio_point p ON p.id = a.point_id
            WHERE w.id = $1""")
        .execute(Tuple.of(id))
        .map(rows -> Rows.first(rows).map(WaitingListStore::view));
  }

  private static View view(Row r) {
    Offer offer = r.getUUID("offer_id") == null ? null : new Offer(r.getUUID("offer_id"), Rows.instant(r, "starts_at"),
        Rows.instant(r, "ends_at"), r.getString("point_name"), r.getString("point_commune"),
        Rows.instant(r, "offer_expires_at"), r.getString("time_zone"));
    boolean open = "waiting".equals(r.getString("state")) || "offered".equals(r.getString("state"));
    return new View(r.getUUID("id"), r.getUUID("service_id"), r.getString("service_name"), r.getString("administration"),
        r.getUUID("point_id"), r.getString("state"), Rows.instant(r, "joined_at"), open ? r.getLong("ahead").intValue() : 0,
        offer);
  }

  /** The services where someone waits for an offer. */
  Future<List<UUID>> servicesWithLine(SqlClient db) {
    return db.query("SELECT DISTINCT service_id FROM visio_waiting WHERE state = 'waiting'").execute()
        .map(rows -> Rows.map(rows, r -> r.getUUID("service_id")));
  }

  /** The first ones waiting for an offer in a service's line, first come first, with what limits their offers. */
  Future<List<Entry>> line(SqlClient db, UUID serviceId, Instant lately, int limit) {
    return db.preparedQuery("""
            SELECT w.id, w.service_id, w.point_id, w.citizen_name, w.citizen_email, w.citizen_phone, w.joined_at,
                   (SELECT count(*) FROM visio_waiting_offer o JOIN visio_waiting same ON same.id = o.entry_id
                    WHERE same.contact_key = w.contact_key AND o.offered_at > $2) AS lately,
                   (SELECT array_agg(o.starts_at) FROM visio_waiting_offer o WHERE o.entry_id = w.id) AS offered
            FROM visio_waiting w
            WHERE w.service_id = $1 AND w.state = 'waiting'
            ORDER BY w.place LIMIT $3""")
        .execute(Tuple.of(serviceId, utc(lately), limit))
        .map(rows -> Rows.map(rows, r -> {
          OffsetDateTime[] offered = r.getArrayOfOffsetDateTimes("offered");
          return new Entry(r.getUUID("id"), r.getUUID("service_id"), r.getUUID("point_id"), r.getString("citizen_name"),
              r.getString("citizen_email"), r.getString("citizen_phone"), Rows.instant(r, "joined_at"),
              r.getLong("lately").intValue(),
              offered == null ? List.of() : Arrays.stream(offered).map(OffsetDateTime::toInstant).toList());
        }));
  }

  /**
   * The entry, still waiting and offered fewer than {@code mostLately} slots since {@code lately}
   * (over every entry of the same person), gets the slot just held for her: true when it did (one statement,
   * under the entry's row lock: another node offering her something at the same time finds her
   * no longer waiting, and its transaction, hold included, is rolled back).
   */
  Future<Boolean> offered(SqlClient tx, UUID entryId, UUID appointmentId, Instant start, Instant expiresAt, Instant now,
                          Instant lately, int mostLately) {
    return tx.preparedQuery("""
            WITH claimed AS (
              UPDATE visio_waiting w SET state = 'offered', offer_id = $2, offer_expires_at = $4
              WHERE id = $1 AND state = 'waiting'
                AND (SELECT count(*) FROM visio_waiting_offer o JOIN visio_waiting same ON same.id = o.entry_id
                     WHERE same.contact_key = w.contact_key AND o.offered_at > $6) < $7
              RETURNING id)
            INSERT INTO visio_waiting_offer (entry_id, appointment_id, starts_at, offered_at)
            SELECT id, $2, $3, $5 FROM claimed""")
        .execute(Tuple.from(new Object[] {entryId, appointmentId, utc(start), utc(expiresAt), utc(now), utc(lately), mostLately}))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * She takes the slot held for her, before it expires: the appointment becomes booked (as if
   * booked now), the entry is closed and keeps nothing about her. Empty when there is no such
   * offer (never made, taken, declined or expired).
   */
  Future<Optional<UUID>> take(SqlClient tx, UUID entryId, Instant now) {
    return tx.preparedQuery("""
            WITH entry AS (
              SELECT id, offer_id FROM visio_waiting WHERE id = $1 AND state = 'offered' AND offer_expires_at > $2 FOR UPDATE),
            taken AS (
              UPDATE appointment a SET status = 'booked', created_at = $2 FROM entry
              WHERE a.id = entry.offer_id AND a.status = 'offered' RETURNING a.id),
            logged AS (
              UPDATE visio_waiting_offer o SET outcome = 'taken', ended_at = $2 FROM taken
              WHERE o.appointment_id = taken.id AND o.outcome IS NULL),
            closed AS (
              UPDATE visio_waiting w SET state = 'booked', offer_id = NULL, offer_expires_at = NULL, ended_at = $2,
                citizen_name = NULL, citizen_email = NULL, citizen_phone = NULL, contact_key = NULL,
                idempotency_key = NULL, idempotency_fingerprint = NULL
              FROM taken WHERE w.id = $1)
            SELECT id FROM taken""")
        .execute(Tuple.of(entryId, utc(now)))
        .map(rows -> Rows.first(rows).map(r -> r.getUUID("id")));
  }

  /** The appointment her place's offer became when she took it since {@code since}; empty otherwise. */
  Future<Optional<UUID>> takenSince(SqlClient db, UUID entryId, Instant since) {
    return db.preparedQuery("""
            SELECT appointment_id FROM visio_waiting_offer
            WHERE entry_id = $1 AND outcome = 'taken' AND ended_at >= $2 ORDER BY ended_at DESC LIMIT 1""")
        .execute(Tuple.of(entryId, utc(since)))
        .map(rows -> Rows.first(rows).map(r -> r.getUUID("appointment_id")));
  }

  /**
   * Lets go of held slots: the entry's own ({@code entryId}), or every offer expired at
   * {@code now} that no other node is letting go already (SKIP LOCKED). The appointment in
   * state 'offered' and its mails are deleted; the entry waits again at its place
   * ({@code state} 'waiting'), or leaves the list ('left': nothing about her stays).
   */
  Future<List<Released>> release(SqlClient tx, UUID entryId, String outcome, String state, Instant now, int limit) {
    String chosen = entryId != null
        ? "SELECT id, offer_id FROM visio_waiting WHERE id = $1 AND state = 'offered' LIMIT $5 FOR UPDATE"
        : "SELECT id, offer_id FROM visio_waiting WHERE $1::uuid IS NULL AND state = 'offered' AND offer_expires_at <= $3"
            + " ORDER BY offer_expires_at LIMIT $5 FOR UPDATE SKIP LOCKED";
    return tx.preparedQuery("WITH ended AS (" + chosen + "), " + """
            back AS (
              UPDATE visio_waiting w SET state = $4::text, offer_id = NULL, offer_expires_at = NULL,
                ended_at = CASE WHEN $4::text = 'waiting' THEN NULL ELSE $3::timestamptz END,
                citizen_name = CASE WHEN $4 = 'waiting' THEN w.citizen_name END,
                citizen_email = CASE WHEN $4 = 'waiting' THEN w.citizen_email END,
                citizen_phone = CASE WHEN $4 = 'waiting' THEN w.citizen_phone END,
                contact_key = CASE WHEN $4 = 'waiting' THEN w.contact_key END,
                idempotency_key = CASE WHEN $4 = 'waiting' THEN w.idempotency_key END,
                idempotency_fingerprint = CASE WHEN $4 = 'waiting' THEN w.idempotency_fingerprint END
              FROM ended WHERE w.id = ended.id),
            logged AS (
              UPDATE visio_waiting_offer o SET outcome = $2, ended_at = $3 FROM ended
              WHERE o.appointment_id = ended.offer_id AND o.outcome IS NULL),
            mails AS (DELETE FROM visio_mail m USING ended WHERE m.appointment_id = ended.offer_id)
            DELETE FROM appointment a USING ended WHERE a.id = ended.offer_id AND a.status = 'offered'
            RETURNING a.id, a.service_id, a.agent_id, a.point_id, a.starts_at, a.ends_at""")
        .execute(Tuple.from(new Object[] {entryId, outcome, utc(now), state, limit}))
        .map(rows -> Rows.map(rows, r -> new Released(r.getUUID("id"), r.getUUID("service_id"), r.getUUID("agent_id"),
            r.getUUID("point_id"), Rows.instant(r, "starts_at"), Rows.instant(r, "ends_at"))));
  }

  /** She leaves the list while waiting (an offer is let go first by {@link #release}): nothing about her stays. */
  Future<Boolean> leave(SqlClient tx, UUID entryId, Instant now) {
    return tx.preparedQuery("""
            UPDATE visio_waiting SET state = 'left', ended_at = $2,
              citizen_name = NULL, citizen_email = NULL, citizen_phone = NULL, contact_key = NULL,
              idempotency_key = NULL, idempotency_fingerprint = NULL
            WHERE id = $1 AND state = 'waiting'""")
        .execute(Tuple.of(entryId, utc(now)))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Entries still waiting since before {@code joinedBefore} are closed: the list looks no further, nothing about them stays. */
  Future<Integer> closeOld(SqlClient db, Instant joinedBefore, Instant now) {
    return db.preparedQuery("""
            UPDATE visio_waiting SET state = 'closed', ended_at = $2,
              citizen_name = NULL, citizen_email = NULL, citizen_phone = NULL, contact_key = NULL,
              idempotency_key = NULL, idempotency_fingerprint = NULL
            WHERE state = 'waiting' AND joined_at < $1""")
        .execute(Tuple.of(utc(joinedBefore), utc(now)))
        .map(rows -> rows.rowCount());
  }

  /** How many wait in a service's line: for an offer, and with one held for them. */
  public record Length(int waiting, int offered) {}

  Future<Length> length(SqlClient db, UUID serviceId) {
    return db.preparedQuery("""
            SELECT count(*) FILTER (WHERE state = 'waiting') AS waiting, count(*) FILTER (WHERE state = 'offered') AS offered
            FROM visio_waiting WHERE service_id = $1 AND state IN ('waiting', 'offered')""")
        .execute(Tuple.of(serviceId))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Length(r.getLong("waiting").intValue(), r.getLong("offered").intValue());
        });
  }

  private static final String HELD = """
            SELECT w.id, w.service_id, s.name AS service_name, o.name AS administration, w.state, w.citizen_name,
                   w.citizen_email, w.citizen_phone, w.joined_at, a.starts_at, w.offer_expires_at
            FROM visio_waiting w
            JOIN visio_service s ON s.id = w.service_id
            JOIN organisation o ON o.id = s.organisation_id
            LEFT JOIN appointment a ON a.id = w.offer_id
            """;

  /**
   * The open places (waiting, or a slot held) of whoever gave this e-mail (any case) or this phone
   * (as written by {@code PhoneNumbers.written}): closed places keep nothing of her.
   */
  Future<List<VisioRecords.WaitingPlaceHeld>> heldBy(SqlClient db, String email, String phone) {
    return db.preparedQuery(HELD + """
            WHERE w.state IN ('waiting', 'offered')
              AND (($1::text IS NOT NULL AND lower(w.citizen_email) = lower($1)) OR ($2::text IS NOT NULL AND w.citizen_phone = $2))
            ORDER BY w.place LIMIT 1000""")
        .execute(Tuple.of(email, phone))
        .map(rows -> Rows.map(rows, WaitingListStore::held));
  }

  /** One place as held, by its id (her own download, with her link); empty once closed or never. */
  Future<Optional<VisioRecords.WaitingPlaceHeld>> held(SqlClient db, UUID id) {
    return db.preparedQuery(HELD + "WHERE w.id = $1")
        .execute(Tuple.of(id))
        .map(rows -> Rows.first(rows).map(WaitingListStore::held));
  }

  /** Every offer made to this place: the start offered, when, how it ended and when (her own download). */
  Future<List<VisioRecords.WaitingOfferMade>> offersMade(SqlClient db, UUID entryId) {
    return db.preparedQuery("""
            SELECT starts_at, offered_at, outcome, ended_at FROM visio_waiting_offer WHERE entry_id = $1
            ORDER BY offered_at, id""")
        .execute(Tuple.of(entryId))
        .map(rows -> Rows.map(rows, r -> new VisioRecords.WaitingOfferMade(r.getOffsetDateTime("starts_at"),
            r.getOffsetDateTime("offered_at"), r.getString("outcome"), r.getOffsetDateTime("ended_at"))));
  }

  private static VisioRecords.WaitingPlaceHeld held(Row r) {
    return new VisioRecords.WaitingPlaceHeld(r.getUUID("id"), r.getUUID("service_id"), r.getString("service_name"), r.getString("administration"),
        r.getString("state"), r.getString("citizen_name"), r.getString("citizen_email"), r.getString("citizen_phone"),
        r.getOffsetDateTime("joined_at"), r.getOffsetDateTime("starts_at"), r.getOffsetDateTime("offer_expires_at"));
  }

  /** The entry an offered appointment is held for (for its mail). */
  Future<Optional<UUID>> entryOfOffer(SqlClient db, UUID appointmentId) {
    return db.preparedQuery("SELECT id FROM visio_waiting WHERE offer_id = $1")
        .execute(Tuple.of(appointmentId))
        .map(rows -> Rows.first(rows).map(r -> r.getUUID("id")));
  }
}
