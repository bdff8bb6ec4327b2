package fr.cantou.teleconsult;

import fr.cantou.platform.db.DatabaseErrors;
import fr.cantou.platform.db.DatabaseErrors.Rule;
import fr.cantou.platform.db.DatabaseErrors.Violation;
import fr.cantou.platform.db.Rows;
import fr.cantou.platform.http.Idempotent;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static fr.cantou.teleconsult.TeleconsultStore.utc;

/** SQL of a call's guests (interpreter, family, regular GP): their invitations, found by the hash of their secret. */
final class GuestStore {
  /**
   * A guest as the nurse and the doctor see it; {@code roomName} stays out of every answer (the
   * room of the assignment the invitation was made for, compared with the item's at each join).
   */
  record GuestRow(UUID id, UUID itemId, String roomName, String name, String role, String channel, String maskedContact,
                  String consentBy, String invitedById, String invitedByName, String invitedBySide, Instant invitedAt,
                  Instant joinedAt, Instant removedAt, Instant openedAt, Boolean sent) {}

  /** {@code sent}: its Idempotency-Key (or null), kept with it. */
  record NewGuest(UUID id, UUID itemId, String roomName, byte[] tokenHash, String name, String role, String channel,
                  String maskedContact, String consentBy, UUID invitedBy, Idempotent sent) {}

  /** What the schema refuses: the inviter's Idempotency-Key made a guest already (V87). */
  enum Refusal { KEY_USED }

  private static final String SELECT = """
      SELECT g.id, g.teleconsultation_id, g.room_name, g.name, g.role, g.channel, g.masked_contact, g.consent_by,
             g.invited_by, u.display_name AS invited_by_name, u.role AS invited_by_role, g.invited_at, g.joined_at, g.removed_at,
             d.bound_at AS opened_at, g.invitation_sent
      FROM teleconsultation_guest g JOIN app_user u ON u.id = g.invited_by LEFT JOIN guest_device d ON d.guest_id = g.id""";

  /** The room of an item whose call runs or can run, and the doctor who holds it now. */
  record OpenRoom(String roomName, String doctorId) {}

  /**
   * The item's room while a call runs or can run (assigned or in call), its row locked until the
   * transaction ends: two invitations of one call are counted one after the other, and a give-back
   * waits for them (or they see it); the doctor read here is the one who holds it now.
   */
  Future<Optional<OpenRoom>> lockOpenRoom(SqlClient tx, UUID item) {
    return tx.preparedQuery("SELECT room_name, doctor_id FROM teleconsultation WHERE id = $1 "
            + "AND status IN ('assigned', 'in_call') AND kind = 'video' FOR UPDATE")
        .execute(Tuple.of(item))
        .map(rows -> Rows.first(rows).map(r -> new OpenRoom(r.getString("room_name"), Rows.id(r, "doctor_id"))));
  }

  /** Invitations made for this room (removed ones too: their link went out). */
  Future<Long> countForRoom(SqlClient tx, UUID item, String roomName) {
    return tx.preparedQuery("SELECT count(*) AS n FROM teleconsultation_guest WHERE teleconsultation_id = $1 AND room_name = $2")
        .execute(Tuple.of(item, roomName))
        .map(rows -> rows.iterator().next().getLong("n"));
  }

  /** Invitations made for this request, over all its calls (removed ones too). */
  Future<Long> countForItem(SqlClient tx, UUID item) {
    return tx.preparedQuery("SELECT count(*) AS n FROM teleconsultation_guest WHERE teleconsultation_id = $1")
        .execute(Tuple.of(item))
        .map(rows -> rows.iterator().next().getLong("n"));
  }

  Future<Void> insert(SqlClient tx, NewGuest g, Instant now) {
    Idempotent sent = g.sent();
    return tx.preparedQuery("""
            INSERT INTO teleconsultation_guest (id, teleconsultation_id, room_name, token_hash, name, role, channel,
              masked_contact, consent_by, invited_by, invited_at, idempotency_key, idempotency_fingerprint)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)""")
        .execute(Tuple.from(new Object[] {g.id(), g.itemId(), g.roomName(), io.vertx.core.buffer.Buffer.buffer(g.tokenHash()),
            g.name(), g.role(), g.channel(), g.maskedContact(), g.consentBy(), g.invitedBy(), utc(now),
            sent == null ? null : sent.key(), sent == null ? null : io.vertx.core.buffer.Buffer.buffer(sent.fingerprint())}))
        .<Void>mapEmpty()
        .recover(DatabaseErrors.refusals(new Rule(Violation.UNIQUE, "idempotency_key", Refusal.KEY_USED)));
  }

  /** The guest the inviter's Idempotency-Key made, and the fingerprint of that request. */
  Future<Optional<Idempotent.Made<UUID>>> byIdempotencyKey(SqlClient db, UUID inviter, String key) {
    return db.preparedQuery("SELECT id, idempotency_fingerprint FROM teleconsultation_guest WHERE invited_by = $1 "
            + "AND idempotency_key = $2")
        .execute(Tuple.of(inviter, key))
        .map(rows -> Rows.first(rows).map(r -> new Idempotent.Made<>(r.getUUID("id"), Rows.bytes(r, "idempotency_fingerprint"))));
  }

  /** Whether her mail or SMS went, once it is known: what a retry of the invitation answers. */
  Future<Void> markSent(SqlClient db, UUID guest, boolean sent) {
    return db.preparedQuery("UPDATE teleconsultation_guest SET invitation_sent = $2 WHERE id = $1")
        .execute(Tuple.of(guest, sent)).mapEmpty();
  }

  Future<Optional<GuestRow>> find(SqlClient db, UUID item, UUID guest) {
    return db.preparedQuery(SELECT + " WHERE g.teleconsultation_id = $1 AND g.id = $2")
        .execute(Tuple.of(item, guest))
        .map(rows -> Rows.first(rows).map(GuestStore::row));
  }

  /** The invitation whose secret hashes to {@code tokenHash}, only if it is one of this item's. */
  Future<Optional<GuestRow>> byToken(SqlClient db, UUID item, byte[] tokenHash) {
    return db.preparedQuery(SELECT + " WHERE g.teleconsultation_id = $1 AND g.token_hash = $2")
        .execute(Tuple.of(item, io.vertx.core.buffer.Buffer.buffer(tokenHash)))
        .map(rows -> Rows.first(rows).map(GuestStore::row));
  }

  Future<List<GuestRow>> ofItem(SqlClient db, UUID item) {
    return db.preparedQuery(SELECT + " WHERE g.teleconsultation_id = $1 ORDER BY g.invited_at, g.id")
        .execute(Tuple.of(item))
        .map(rows -> Rows.map(rows, GuestStore::row));
  }

  /** False when it was removed already. */
  Future<Boolean> remove(SqlClient tx, UUID item, UUID guest, UUID by, Instant now) {
    return tx.preparedQuery("UPDATE teleconsultation_guest SET removed_at = $3, removed_by = $4 "
            + "WHERE teleconsultation_id = $1 AND id = $2 AND removed_at IS NULL")
        .execute(Tuple.of(item, guest, utc(now), by))
        .map(rows -> rows.rowCount() == 1);
  }

  /** True the first time only: the guest's first entry into the room is a line of the timeline, her reloads are not. */
  Future<Boolean> markJoined(SqlClient tx, UUID guest, Instant now) {
    return tx.preparedQuery("UPDATE teleconsultation_guest SET joined_at = $2 WHERE id = $1 AND joined_at IS NULL")
        .execute(Tuple.of(guest, utc(now)))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Binds the guest's link to the browser whose key hashes to {@code deviceHash}, unless another browser's holds it: true
   * when the link is (now, or already) this browser's. One statement: a second browser at the same instant waits on the
   * first one's key in the primary key, then finds another hash and gets nothing back.
   */
  Future<Boolean> bindDevice(SqlClient db, UUID item, UUID guest, byte[] deviceHash, Instant now) {
    return db.preparedQuery("""
            INSERT INTO guest_device (guest_id, teleconsultation_id, device_hash, bound_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (guest_id) DO UPDATE SET bound_at = guest_device.bound_at
            WHERE guest_device.device_hash = EXCLUDED.device_hash
            RETURNING guest_id""")
        .execute(Tuple.of(guest, item, io.vertx.core.buffer.Buffer.buffer(deviceHash), utc(now)))
        .map(rows -> rows.rowCount() == 1);
  }

  private static GuestRow row(Row r) {
    return new GuestRow(r.getUUID("id"), r.getUUID("teleconsultation_id"), r.getString("room_name"), r.getString("name"),
        r.getString("role"), r.getString("channel"), r.getString("masked_contact"), r.getString("consent_by"),
        Rows.id(r, "invited_by"), r.getString("invited_by_name"), r.getString("invited_by_role"),
        Rows.instant(r, "invited_at"), Rows.instant(r, "joined_at"), Rows.instant(r, "removed_at"), Rows.instant(r, "opened_at"),
        r.getBoolean("invitation_sent"));
  }
}
