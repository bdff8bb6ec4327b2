package fr.cantou.visio;

import fr.cantou.platform.db.DatabaseErrors;
import fr.cantou.platform.db.DatabaseErrors.Rule;
import fr.cantou.platform.db.DatabaseErrors.Violation;
import fr.cantou.platform.db.Rows;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static fr.cantou.visio.VisioStore.utc;

/** SQL of the screens paired with points visio-accueil (V20): codes and device tokens as SHA-256 only. */
final class KioskStore {
  /**
   * How long the screen that checked her in still sees her appointment once moved to another day (V98): the time to
   * say the new day (its page then lets it go, and goes back to its list after 3 minutes without a touch), a poll or
   * two on a weak link; never until midnight, nor a later move's time.
   */
  static final Duration MOVED_AWAY_SIGHT = Duration.ofMinutes(5);

  /** A point as the pairing rights need it: who runs it, whether it still serves. */
  record PointOwner(UUID organisationId, boolean active) {}

  /** The screen a device token opens, with its point. */
  record Screen(UUID id, UUID pointId, String pointName, String pointCommune, ZoneId zone, boolean pointActive) {}

  /** A screen as its point's list shows it (never a code nor a token). */
  record Listed(String id, String label, Instant createdAt, String createdByName, Instant pairedAt, Instant lastSeenAt,
                Instant codeExpiresAt) {}

  Future<Optional<PointOwner>> point(SqlClient db, UUID pointId) {
    return db.preparedQuery("SELECT organisation_id, active FROM visio_point WHERE id = $1").execute(Tuple.of(pointId))
        .map(rows -> Rows.first(rows).map(r -> new PointOwner(r.getUUID("organisation_id"), r.getBoolean("active"))));
  }

  /** What the schema refuses: the creation's key made a screen already (a retry sent at once, V100). */
  enum Refusal { KEY_USED }

  /** A new screen; {@code keyHash} (or null): the hash of its creation's key, who made it, its point and name (V100). */
  Future<UUID> create(SqlClient db, UUID pointId, String label, byte[] codeHash, Instant expires, byte[] keyHash, UUID by,
                      Instant now) {
    return db.preparedQuery("""
            INSERT INTO visio_kiosk (point_id, label, code_hash, code_expires_at, created_by, created_at, create_key_hash)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id""")
        .execute(Tuple.of(pointId, label, Buffer.buffer(codeHash), utc(expires), by, utc(now),
            keyHash == null ? null : Buffer.buffer(keyHash)))
        .recover(DatabaseErrors.refusals(new Rule(Violation.UNIQUE, "visio_kiosk_create_key", Refusal.KEY_USED)))
        .map(rows -> rows.iterator().next().getUUID("id"));
  }

  /**
   * The screen whose creation's key hash is {@code keyHash} (V100), neither paired nor revoked, gets {@code codeHash} in
   * place of the code whose answer was lost; empty when there is none.
   */
  Future<Optional<UUID>> createdAgain(SqlClient db, byte[] keyHash, byte[] codeHash, Instant expires) {
    return db.preparedQuery("""
            UPDATE visio_kiosk SET code_hash = $2, code_expires_at = $3
            WHERE create_key_hash = $1 AND paired_at IS NULL AND revoked_at IS NULL RETURNING id""")
        .execute(Tuple.of(Buffer.buffer(keyHash), Buffer.buffer(codeHash), utc(expires)))
        .map(rows -> Rows.first(rows).map(r -> r.getUUID("id")));
  }

  /** The key hashes a job forgets: a creation's (V100) by when its screen was made, a pairing's (V97) by its pairing. */
  enum KeyHash {
    CREATION("create_key_hash", "created_at"), PAIRING("pair_key_hash", "paired_at");

    private final String sql;

    KeyHash(String column, String since) {
      sql = """
          UPDATE visio_kiosk SET %1$s = NULL WHERE id IN (
            SELECT id FROM visio_kiosk WHERE %1$s IS NOT NULL AND %2$s <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)"""
          .formatted(column, since);
    }
  }

  /** Up to {@code batch} key hashes of this kind, of screens made (or paired) by {@code before}, go; answers how many. */
  Future<Integer> forgetKeyHashes(SqlClient db, KeyHash kind, Instant before, int batch) {
    return db.preparedQuery(kind.sql).execute(Tuple.of(utc(before), batch)).map(rows -> rows.rowCount());
  }

  /** The screens of a point not revoked, oldest first; a code never used is gone from the list once it expired. */
  Future<List<Listed>> list(SqlClient db, UUID pointId, Instant now) {
    return db.preparedQuery("""
            SELECT k.id, k.label, k.created_at, u.display_name, k.paired_at, k.last_seen_at, k.code_expires_at
            FROM visio_kiosk k JOIN app_user u ON u.id = k.created_by
            WHERE k.point_id = $1 AND k.revoked_at IS NULL AND (k.paired_at IS NOT NULL OR k.code_expires_at > $2)
            ORDER BY k.created_at, k.id""")
        .execute(Tuple.of(pointId, utc(now)))
        .map(rows -> Rows.map(rows, r -> new Listed(Rows.id(r, "id"), r.getString("label"), Rows.instant(r, "created_at"),
            r.getString("display_name"), Rows.instant(r, "paired_at"), Rows.instant(r, "last_seen_at"),
            Rows.instant(r, "code_expires_at"))));
  }

  /** Its appointments booked without any contact still to come (they stay booked after its revocation: staff call them off). */
  Future<Integer> contactlessToCome(SqlClient db, UUID kioskId, Instant now) {
    return db.preparedQuery("""
            SELECT count(*) AS n FROM appointment
            WHERE booked_at_kiosk = $1 AND citizen_email IS NULL AND citizen_phone IS NULL
              AND status IN ('booked', 'in_call') AND starts_at > $2""")
        .execute(Tuple.of(kioskId, utc(now))).map(rows -> rows.iterator().next().getLong("n").intValue());
  }

  /** The paired screens of a point, not revoked. */
  Future<List<UUID>> pairedScreens(SqlClient db, UUID pointId) {
    return db.preparedQuery("SELECT id FROM visio_kiosk WHERE point_id = $1 AND revoked_at IS NULL AND paired_at IS NOT NULL")
        .execute(Tuple.of(pointId)).map(rows -> Rows.map(rows, r -> r.getUUID("id")));
  }

  /** Revokes a screen of this point: its code and token hashes go; false when there was none to revoke. */
  Future<Boolean> revoke(SqlClient db, UUID pointId, UUID kioskId, UUID by, Instant now) {
    // Its check-ins go with it: a revoked screen's token copied elsewhere joins nothing.
    return db.preparedQuery("""
            WITH gone AS (DELETE FROM visio_kiosk_checkin WHERE kiosk_id = $1
                            AND EXISTS (SELECT 1 FROM visio_kiosk WHERE id = $1 AND point_id = $2))
            UPDATE visio_kiosk SET revoked_at = $3, revoked_by = $4, code_hash = NULL, code_expires_at = NULL, token_hash = NULL,
                                   pair_key_hash = NULL, create_key_hash = NULL
            WHERE id = $1 AND point_id = $2 AND revoked_at IS NULL""")
        .execute(Tuple.of(kioskId, pointId, utc(now), by))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Spends a pairing code: one conditional update, so a code pairs one screen once, before it
   * expires, never after its screen was revoked. Empty when it opens nothing.
   */
  Future<Optional<Screen>> pair(SqlClient db, byte[] codeHash, byte[] tokenHash, byte[] keyHash, Instant now) {
    return db.preparedQuery("""
            WITH paired AS (
              UPDATE visio_kiosk SET code_hash = NULL, code_expires_at = NULL, token_hash = $2, paired_at = $3, last_seen_at = $3,
                                     pair_key_hash = $4, create_key_hash = NULL
              WHERE code_hash = $1 AND code_expires_at > $3 AND revoked_at IS NULL
              RETURNING id, point_id)
            SELECT k.id, p.id AS point_id, p.name, p.commune, p.time_zone, p.active
            FROM paired k JOIN visio_point p ON p.id = k.point_id""")
        .execute(Tuple.of(Buffer.buffer(codeHash), Buffer.buffer(tokenHash), utc(now),
            keyHash == null ? null : Buffer.buffer(keyHash)))
        .map(rows -> Rows.first(rows).map(KioskStore::screen));
  }

  /**
   * The pairing sent again with the same code and key ({@code keyHash}, V97) within {@code life} of the pairing: its
   * screen gets {@code tokenHash} in place of the token whose answer was lost. Empty when it pairs nothing.
   */
  Future<Optional<Screen>> pairAgain(SqlClient db, byte[] keyHash, byte[] tokenHash, Instant now, Duration life) {
    return db.preparedQuery("""
            WITH paired AS (
              UPDATE visio_kiosk SET token_hash = $2, last_seen_at = $3
              WHERE pair_key_hash = $1 AND paired_at > $4 AND revoked_at IS NULL
              RETURNING id, point_id)
            SELECT k.id, p.id AS point_id, p.name, p.commune, p.time_zone, p.active
            FROM paired k JOIN visio_point p ON p.id = k.point_id""")
        .execute(Tuple.of(Buffer.buffer(keyHash), Buffer.buffer(tokenHash), utc(now), utc(now.minus(life))))
        .map(rows -> Rows.first(rows).map(KioskStore::screen));
  }

  /**
   * The screen a device token opens now (none once revoked: its hash is gone). Its last sighting
   * is written at most once a minute, in the same statement.
   */
  Future<Optional<Screen>> screen(SqlClient db, byte[] tokenHash, Instant now) {
    return db.preparedQuery("""
            WITH k AS (
              SELECT k.id, p.id AS point_id, p.name, p.commune, p.time_zone, p.active, k.last_seen_at
              FROM visio_kiosk k JOIN visio_point p ON p.id = k.point_id
              WHERE k.token_hash = $1 AND k.revoked_at IS NULL),
            seen AS (
              UPDATE visio_kiosk SET last_seen_at = $2
              WHERE id = (SELECT id FROM k) AND (last_seen_at IS NULL OR last_seen_at < $2::timestamptz - interval '1 minute'))
            SELECT id, point_id, name, commune, time_zone, active FROM k""")
        .execute(Tuple.of(Buffer.buffer(tokenHash), utc(now)))
        .map(rows -> Rows.first(rows).map(KioskStore::screen));
  }

  /** The appointments of a point starting within the window that are still to be held (booked, or in their call). */
  Future<List<Appointment>> ofPoint(SqlClient db, UUID pointId, Instant from, Instant to, Duration opens) {
    return db.preparedQuery(AppointmentStore.APPOINTMENT_OF.formatted("appointment")
            + " WHERE a.point_id = $1 AND a.status IN ('booked', 'in_call') AND a.starts_at >= $2 AND a.starts_at < $3"
            + " ORDER BY a.starts_at, a.reference")
        .execute(Tuple.of(pointId, utc(from), utc(to)))
        .map(rows -> Rows.map(rows, r -> AppointmentStore.appointment(r, opens)));
  }

  /** This screen checked her in (replacing another screen's check-in of the same appointment). */
  Future<Void> checkedIn(SqlClient db, UUID appointmentId, UUID kioskId, Instant at) {
    return db.preparedQuery("""
            INSERT INTO visio_kiosk_checkin (appointment_id, kiosk_id, at) VALUES ($1, $2, $3)
            ON CONFLICT (appointment_id) DO UPDATE SET kiosk_id = excluded.kiosk_id, at = excluded.at, moved_away_at = NULL""")
        .execute(Tuple.of(appointmentId, kioskId, utc(at))).mapEmpty();
  }

  /** Whether this screen is the one that checked her in. */
  Future<Boolean> isCheckedInBy(SqlClient db, UUID appointmentId, UUID kioskId) {
    return db.preparedQuery("SELECT 1 FROM visio_kiosk_checkin WHERE appointment_id = $1 AND kiosk_id = $2")
        .execute(Tuple.of(appointmentId, kioskId)).map(rows -> rows.size() == 1);
  }

  /** This screen's check-in of her ends; false when it was not this screen's. */
  Future<Boolean> checkedOut(SqlClient db, UUID appointmentId, UUID kioskId) {
    return db.preparedQuery("DELETE FROM visio_kiosk_checkin WHERE appointment_id = $1 AND kiosk_id = $2")
        .execute(Tuple.of(appointmentId, kioskId)).map(rows -> rows.rowCount() == 1);
  }

  /**
   * A line of the audit trail naming the screen ({@code by}: the member of staff who acted on it; null: the screen
   * itself, with its device token).
   */
  static Future<Void> audit(SqlClient db, UUID kioskId, UUID by, String action, String itemKind, Object itemId,
                            String address, Instant at) {
    return db.preparedQuery("""
            INSERT INTO kiosk_audit (at, kiosk_id, user_id, action, item_kind, item_id, address)
            VALUES ($1, $2, $3, $4, $5, $6, $7)""")
        .execute(Tuple.of(utc(at), kioskId, by, action, itemKind, String.valueOf(itemId), address)).mapEmpty();
  }

  /**
   * The screen that checked her in today, while it may still see her: not revoked, at her point. Her appointment moved
   * to another day meanwhile stays in its sight (its GET, its socket) until she leaves it: she is in front of it, and
   * it must say the new day, not keep today's time. Once moved away, only {@link #MOVED_AWAY_SIGHT} more
   * ({@link #movedAway}): a leave lost, or a copied token that never leaves, does not keep it until midnight.
   */
  Future<Optional<UUID>> watching(SqlClient db, UUID appointmentId, UUID pointId, Instant now) {
    return db.preparedQuery("""
            SELECT c.kiosk_id FROM visio_kiosk_checkin c
              JOIN visio_kiosk k ON k.id = c.kiosk_id JOIN visio_point p ON p.id = k.point_id
            WHERE c.appointment_id = $1 AND k.point_id = $2 AND k.revoked_at IS NULL AND p.active
              AND (c.at AT TIME ZONE p.time_zone)::date = ($3::timestamptz AT TIME ZONE p.time_zone)::date
              AND (c.moved_away_at IS NULL OR c.moved_away_at > $4)""")
        .execute(Tuple.of(appointmentId, pointId, utc(now), utc(now.minus(MOVED_AWAY_SIGHT))))
        .map(rows -> Rows.first(rows).map(r -> r.getUUID("kiosk_id")));
  }

  /**
   * Her appointment moved to {@code start}: when that is another day than the one she was checked in on, the first
   * such move is written (V98), from which the screen sees it only {@link #MOVED_AWAY_SIGHT} more.
   */
  Future<Void> movedAway(SqlClient db, UUID appointmentId, Instant start, Instant now) {
    return db.preparedQuery("""
            UPDATE visio_kiosk_checkin c SET moved_away_at = $3
            FROM visio_kiosk k JOIN visio_point p ON p.id = k.point_id
            WHERE c.appointment_id = $1 AND k.id = c.kiosk_id AND c.moved_away_at IS NULL
              AND ($2::timestamptz AT TIME ZONE p.time_zone)::date <> (c.at AT TIME ZONE p.time_zone)::date""")
        .execute(Tuple.of(appointmentId, utc(start), utc(now))).mapEmpty();
  }

  /** Whether this screen checked her in today ({@link #watching}: it sees her appointment, whatever its day). */
  Future<Boolean> checkedInTodayBy(SqlClient db, UUID appointmentId, UUID kioskId, Instant now) {
    return db.preparedQuery("""
            SELECT 1 FROM visio_kiosk_checkin c
              JOIN visio_kiosk k ON k.id = c.kiosk_id JOIN visio_point p ON p.id = k.point_id
            WHERE c.appointment_id = $1 AND c.kiosk_id = $2 AND k.revoked_at IS NULL AND p.active
              AND (c.at AT TIME ZONE p.time_zone)::date = ($3::timestamptz AT TIME ZONE p.time_zone)::date
              AND (c.moved_away_at IS NULL OR c.moved_away_at > $4)""")
        .execute(Tuple.of(appointmentId, kioskId, utc(now), utc(now.minus(MOVED_AWAY_SIGHT))))
        .map(rows -> rows.size() == 1);
  }

  /** The appointments this screen checked in today at its point (what its socket's snapshot shows, as {@link #watching}). */
  Future<List<UUID>> checkedInToday(SqlClient db, UUID kioskId, Instant now) {
    return db.preparedQuery("""
            SELECT c.appointment_id FROM visio_kiosk_checkin c
              JOIN visio_kiosk k ON k.id = c.kiosk_id JOIN visio_point p ON p.id = k.point_id
              JOIN appointment a ON a.id = c.appointment_id AND a.point_id = k.point_id
            WHERE c.kiosk_id = $1 AND k.revoked_at IS NULL AND p.active
              AND (c.at AT TIME ZONE p.time_zone)::date = ($2::timestamptz AT TIME ZONE p.time_zone)::date
              AND (c.moved_away_at IS NULL OR c.moved_away_at > $3)
            ORDER BY a.starts_at""")
        .execute(Tuple.of(kioskId, utc(now), utc(now.minus(MOVED_AWAY_SIGHT))))
        .map(rows -> Rows.map(rows, r -> r.getUUID("appointment_id")));
  }

  private static Screen screen(Row r) {
    return new Screen(r.getUUID("id"), r.getUUID("point_id"), r.getString("name"), r.getString("commune"),
        ZoneId.of(r.getString("time_zone")), r.getBoolean("active"));
  }
}
