package fr.cantou.identity;

import fr.cantou.platform.db.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL of refresh tokens; only their SHA-256 is stored. */
public final class RefreshTokenStore {

  /** {@code usedByAttempt}: the SHA-256 of the attempt it was used with (null: none said). */
  public record Stored(UUID id, UUID userId, UUID familyId, Instant expiresAt, Instant usedAt, Instant revokedAt,
                       byte[] usedByAttempt, Instant supersededAt) {}

  public Future<Void> insert(SqlClient db, UUID userId, UUID familyId, byte[] hash, Instant expiresAt) {
    return db.preparedQuery("INSERT INTO refresh_token (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)")
        .execute(Tuple.of(userId, familyId, io.vertx.core.buffer.Buffer.buffer(hash), expiresAt.atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  /** Locks the row, so that two concurrent uses of one token cannot both rotate it. */
  public Future<Optional<Stored>> lockByHash(SqlClient db, byte[] hash) {
    return db.preparedQuery("""
            SELECT id, user_id, family_id, expires_at, used_at,
                   -- A session ended is ended for every token of it: one issued by a refresh that committed while the
                   -- session's revocation waited for its row was not in the revocation's snapshot, and stays unrevoked.
                   coalesce(revoked_at, (SELECT min(f.revoked_at) FROM refresh_token f WHERE f.family_id = t.family_id))
                     AS revoked_at,
                   used_by_attempt, superseded_at
            FROM refresh_token t WHERE token_hash = $1 FOR UPDATE""")
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash)))
        .map(rows -> Rows.first(rows).map(r -> new Stored(r.getUUID("id"), r.getUUID("user_id"), r.getUUID("family_id"),
            Rows.instant(r, "expires_at"), Rows.instant(r, "used_at"), Rows.instant(r, "revoked_at"),
            r.getBuffer("used_by_attempt") == null ? null : r.getBuffer("used_by_attempt").getBytes(),
            Rows.instant(r, "superseded_at"))));
  }

  public Future<Void> markUsed(SqlClient db, UUID id, Instant at, byte[] attempt) {
    return db.preparedQuery("UPDATE refresh_token SET used_at = $2, used_by_attempt = $3 WHERE id = $1")
        .execute(Tuple.of(id, at.atOffset(ZoneOffset.UTC), attempt == null ? null : io.vertx.core.buffer.Buffer.buffer(attempt)))
        .mapEmpty();
  }

  /**
   * The tokens the use of {@code usedId} gave, superseded, when none of its family issued since was used: that use's
   * answer was lost, and the attempt is answered again. False (nothing written) when one was: the session went on.
   */
  public Future<Boolean> supersedeUnusedSince(SqlClient db, UUID familyId, UUID usedId, Instant at) {
    return db.preparedQuery("""
            WITH went_on AS (
              SELECT EXISTS (SELECT 1 FROM refresh_token t WHERE t.family_id = $1 AND t.used_at IS NOT NULL
                               AND t.created_at > (SELECT created_at FROM refresh_token WHERE id = $2)) AS yes),
            superseded AS (
              UPDATE refresh_token SET superseded_at = $3
              WHERE family_id = $1 AND used_at IS NULL AND revoked_at IS NULL AND superseded_at IS NULL
                AND NOT (SELECT yes FROM went_on)
              RETURNING id)
            SELECT NOT yes AS answered_again FROM went_on""")
        .execute(Tuple.of(familyId, usedId, at.atOffset(ZoneOffset.UTC)))
        .map(rows -> rows.iterator().next().getBoolean("answered_again"));
  }

  public Future<Void> revokeFamily(SqlClient db, UUID familyId, Instant at) {
    return db.preparedQuery("UPDATE refresh_token SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(familyId, at.atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  /**
   * Ends every session of the user but {@code kept} (null: every one); the sessions that were still open, whose sockets
   * must close too.
   */
  public Future<List<UUID>> revokeUserExcept(SqlClient db, UUID userId, UUID kept, Instant at) {
    return db.preparedQuery("""
            WITH ended AS (
              UPDATE refresh_token SET revoked_at = $3
              WHERE user_id = $1 AND revoked_at IS NULL AND family_id IS DISTINCT FROM $2
              RETURNING family_id)
            SELECT DISTINCT family_id FROM ended""")
        .execute(Tuple.of(userId, kept, at.atOffset(ZoneOffset.UTC)))
        .map(rows -> Rows.map(rows, r -> r.getUUID("family_id")));
  }

  public Future<Void> revokeUser(SqlClient db, UUID userId, Instant at) {
    return db.preparedQuery("UPDATE refresh_token SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(userId, at.atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }
}
