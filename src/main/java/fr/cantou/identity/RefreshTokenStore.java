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

  public record Stored(UUID id, UUID userId, UUID familyId, Instant expiresAt, Instant usedAt, Instant revokedAt) {}

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
                     AS revoked_at
            FROM refresh_token t WHERE token_hash = $1 FOR UPDATE""")
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash)))
        .map(rows -> Rows.first(rows).map(r -> new Stored(r.getUUID("id"), r.getUUID("user_id"), r.getUUID("family_id"),
            Rows.instant(r, "expires_at"), Rows.instant(r, "used_at"), Rows.instant(r, "revoked_at"))));
  }

  public Future<Void> markUsed(SqlClient db, UUID id, Instant at) {
    return db.preparedQuery("UPDATE refresh_token SET used_at = $2 WHERE id = $1")
        .execute(Tuple.of(id, at.atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  public Future<Void> revokeFamily(SqlClient db, UUID familyId, Instant at) {
    return db.preparedQuery("UPDATE refresh_token SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(familyId, at.atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  /** Ends every session of the user; the sessions that were still open, whose sockets must close too. */
  public Future<List<UUID>> revokeSessionsOf(SqlClient db, UUID userId, Instant at) {
    return db.preparedQuery("""
            WITH ended AS (
              UPDATE refresh_token SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING family_id)
            SELECT DISTINCT family_id FROM ended""")
        .execute(Tuple.of(userId, at.atOffset(ZoneOffset.UTC)))
        .map(rows -> Rows.map(rows, r -> r.getUUID("family_id")));
  }

  public Future<Void> revokeUser(SqlClient db, UUID userId, Instant at) {
    return db.preparedQuery("UPDATE refresh_token SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(userId, at.atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }
}
