package fr.cantou.identity;

import fr.cantou.platform.db.Rows;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL of refresh tokens; only their SHA-256 is stored. */
public final class RefreshTokenStore {

  /**
   * A token as stored. {@code answerKey}: the latest key committed with a send of it, the SHA-256 of a secret the page
   * keeps (null if none came); {@code replacedBy}: the token its latest use issued; {@code answeredAgainAt}: when a lost
   * answer to it was last given again; {@code lineageId}: the session's lineage, its family and those answered again
   * from it (V108); {@code revealedKey}: the SHA-256 of the newest secret revealed with it (V113).
   */
  public record Stored(UUID id, UUID userId, UUID familyId, Instant expiresAt, Instant usedAt, Instant revokedAt,
                       byte[] answerKey, UUID replacedBy, Instant answeredAgainAt, UUID lineageId, byte[] revealedKey) {}

  private static final String SELECT = """
      SELECT id, user_id, family_id, expires_at, used_at, answer_key, replaced_by, answered_again_at, revealed_key,
             coalesce(lineage_id, family_id) AS lineage,
             -- A session ended is ended for every token of it: one issued by a refresh that committed while the
             -- session's revocation waited for its row was not in the revocation's snapshot, and stays unrevoked.
             coalesce(revoked_at, (SELECT min(f.revoked_at) FROM refresh_token f WHERE f.family_id = t.family_id))
               AS revoked_at
      FROM refresh_token t""";

  /** The new token's id. */
  public Future<UUID> insert(SqlClient db, UUID userId, UUID familyId, UUID lineageId, byte[] hash, Instant expiresAt) {
    return db.preparedQuery("""
            INSERT INTO refresh_token (user_id, family_id, lineage_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)
            RETURNING id""")
        .execute(Tuple.of(userId, familyId, lineageId, Buffer.buffer(hash), expiresAt.atOffset(ZoneOffset.UTC)))
        .map(rows -> rows.iterator().next().getUUID("id"));
  }

  /**
   * Every refresh and sign-out with a token of one lineage, one after the other, each deciding on what the one before
   * it committed: taken first, before any token's row, so that no two of them lock rows in opposite orders.
   */
  public Future<Void> lockLineageOf(SqlClient db, byte[] hash) {
    return db.preparedQuery("""
            SELECT pg_advisory_xact_lock(hashtextextended('refresh-lineage:' || coalesce(lineage_id, family_id)::text, 0))
            FROM refresh_token WHERE token_hash = $1""")
        .execute(Tuple.of(Buffer.buffer(hash)))
        // Then her account's row, which a password change and a deactivation update before they end her sessions: each
        // of them waits for this refresh or sign-out, or this one for it, never on each other's tokens in opposite
        // orders (a deadlock), and a session this one opens is one they end.
        .compose(v -> db.preparedQuery("SELECT 1 FROM app_user WHERE id = (SELECT user_id FROM refresh_token WHERE token_hash = $1) FOR SHARE")
            .execute(Tuple.of(Buffer.buffer(hash))))
        .mapEmpty();
  }

  /** Whether a session of the lineage is still open: a token neither revoked nor expired, of a family not ended. */
  public Future<Boolean> lineageOpen(SqlClient db, UUID lineageId, Instant now) {
    return db.preparedQuery("""
            SELECT EXISTS (SELECT 1 FROM refresh_token t
                           WHERE coalesce(t.lineage_id, t.family_id) = $1 AND t.revoked_at IS NULL AND t.expires_at > $2
                             AND NOT EXISTS (SELECT 1 FROM refresh_token f
                                             WHERE f.family_id = t.family_id AND f.revoked_at IS NOT NULL)) AS open""")
        .execute(Tuple.of(lineageId, now.atOffset(ZoneOffset.UTC)))
        .map(rows -> rows.iterator().next().getBoolean("open"));
  }

  /** Ends every session of the lineage; the sessions that were still open, whose sockets must close too. */
  public Future<List<UUID>> revokeLineage(SqlClient db, UUID lineageId, Instant at) {
    return revokeOpen(db, "coalesce(lineage_id, family_id) = $1", lineageId, at);
  }

  /** Revokes the open tokens matching {@code where} (on $1); the families they were of. */
  private static Future<List<UUID>> revokeOpen(SqlClient db, String where, UUID key, Instant at) {
    return db.preparedQuery("WITH ended AS (UPDATE refresh_token SET revoked_at = $2 WHERE " + where
            + " AND revoked_at IS NULL RETURNING family_id) SELECT DISTINCT family_id FROM ended")
        .execute(Tuple.of(key, at.atOffset(ZoneOffset.UTC)))
        .map(rows -> Rows.map(rows, r -> r.getUUID("family_id")));
  }

  /** How many lost answers of this user's were given again since then (the tokens they issued: V112). */
  public Future<Long> answeredAgainSince(SqlClient db, UUID userId, Instant since) {
    // Counted under her own lock, held to the commit: sends again on two of her sessions at once (two lineages, two
    // lineage locks) would each read the count below the bound and both be answered.
    return db.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended('refresh-answers:' || $1::uuid::text, 0))")
        .execute(Tuple.of(userId))
        .compose(v -> db.preparedQuery("SELECT count(*) AS n FROM refresh_token WHERE user_id = $1 AND issued_again_at > $2")
        .execute(Tuple.of(userId, since.atOffset(ZoneOffset.UTC))))
        .map(rows -> rows.iterator().next().getLong("n"));
  }

  /** Locks the row, so that two concurrent uses of one token cannot both rotate it. */
  public Future<Optional<Stored>> lockByHash(SqlClient db, byte[] hash) {
    return db.preparedQuery(SELECT + " WHERE token_hash = $1 FOR UPDATE")
        .execute(Tuple.of(Buffer.buffer(hash)))
        .map(rows -> Rows.first(rows).map(RefreshTokenStore::stored));
  }

  /** Locks the row: a use of that token waits for the decision taken on it, or is waited for. */
  public Future<Optional<Stored>> lockById(SqlClient db, UUID id) {
    return db.preparedQuery(SELECT + " WHERE id = $1 FOR UPDATE")
        .execute(Tuple.of(id))
        .map(rows -> Rows.first(rows).map(RefreshTokenStore::stored));
  }

  private static Stored stored(Row r) {
    return new Stored(r.getUUID("id"), r.getUUID("user_id"), r.getUUID("family_id"), Rows.instant(r, "expires_at"),
        Rows.instant(r, "used_at"), Rows.instant(r, "revoked_at"), bytes(r, "answer_key"),
        r.getUUID("replaced_by"), Rows.instant(r, "answered_again_at"), r.getUUID("lineage"), bytes(r, "revealed_key"));
  }

  private static byte[] bytes(Row r, String column) {
    Buffer value = r.getBuffer(column);
    return value == null ? null : value.getBytes();
  }

  /**
   * The token used: by the use that issued {@code replacedBy}, with the key the page committed and the SHA-256 of the
   * secret it revealed (either may be null).
   */
  public Future<Void> markUsed(SqlClient db, UUID id, Instant at, byte[] answerKey, byte[] revealedKey, UUID replacedBy) {
    return db.preparedQuery("""
            UPDATE refresh_token SET used_at = $2, answer_key = $3, revealed_key = $4, replaced_by = $5 WHERE id = $1""")
        .execute(Tuple.of(id, at.atOffset(ZoneOffset.UTC), buffer(answerKey), buffer(revealedKey), replacedBy))
        .mapEmpty();
  }

  /**
   * The lost answer to this token's use given again, issuing {@code replacedBy} (counted by {@link #answeredAgainSince}):
   * the key the send committed replaces the one whose secret it revealed, which opens nothing again.
   */
  public Future<Void> markAnsweredAgain(SqlClient db, UUID id, Instant at, byte[] answerKey, byte[] revealedKey,
                                        UUID replacedBy) {
    return db.preparedQuery("""
            WITH issued AS (UPDATE refresh_token SET issued_again_at = $2 WHERE id = $5)
            UPDATE refresh_token SET answered_again_at = $2, answer_key = $3, revealed_key = $4, replaced_by = $5
            WHERE id = $1""")
        .execute(Tuple.of(id, at.atOffset(ZoneOffset.UTC), buffer(answerKey), buffer(revealedKey), replacedBy))
        .mapEmpty();
  }

  private static Buffer buffer(byte[] bytes) {
    return bytes == null ? null : Buffer.buffer(bytes);
  }

  public Future<Void> revokeFamily(SqlClient db, UUID familyId, Instant at) {
    return db.preparedQuery("UPDATE refresh_token SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(familyId, at.atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  /** Ends every session of the user; the sessions that were still open, whose sockets must close too. */
  public Future<List<UUID>> revokeSessionsOf(SqlClient db, UUID userId, Instant at) {
    return revokeOpen(db, "user_id = $1", userId, at);
  }

  public Future<Void> revokeUser(SqlClient db, UUID userId, Instant at) {
    return db.preparedQuery("UPDATE refresh_token SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(userId, at.atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }
}
