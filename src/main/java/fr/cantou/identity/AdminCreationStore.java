package fr.cantou.identity;

import fr.cantou.platform.db.DatabaseErrors;
import fr.cantou.platform.db.DatabaseErrors.Rule;
import fr.cantou.platform.db.DatabaseErrors.Violation;
import fr.cantou.platform.db.Rows;
import fr.cantou.platform.http.Idempotent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/** SQL of the keys of an admin's creations (V93): what each key made, and the fingerprint of the request. */
final class AdminCreationStore {
  /** What the schema refuses: the admin's Idempotency-Key made something already (a retry sent at once). */
  enum Refusal { KEY_USED }

  /** The key's row, written in the creation's transaction: {@code made} is the id (or code) of what it made. */
  Future<Void> keep(SqlClient tx, UUID admin, Idempotent sent, String kind, String made, Instant at) {
    return tx.preparedQuery("""
            INSERT INTO admin_creation_key (admin_id, idempotency_key, fingerprint, kind, made, created_at)
            VALUES ($1, $2, $3, $4, $5, $6)""")
        .execute(Tuple.of(admin, sent.key(), Buffer.buffer(sent.fingerprint()), kind, made, at.atOffset(ZoneOffset.UTC)))
        .recover(DatabaseErrors.refusals(new Rule(Violation.UNIQUE, "admin_creation_key", Refusal.KEY_USED)))
        .mapEmpty();
  }

  /** Forgets the keys written before {@code before}; answers how many went. */
  Future<Integer> forgetBefore(SqlClient db, Instant before) {
    return db.preparedQuery("DELETE FROM admin_creation_key WHERE created_at < $1")
        .execute(Tuple.of(before.atOffset(ZoneOffset.UTC))).map(rows -> rows.rowCount());
  }

  /** What the admin's key made (its id or code), and the fingerprint of that request. */
  Future<Optional<Idempotent.Made<String>>> made(SqlClient db, UUID admin, String key) {
    return db.preparedQuery("SELECT made, fingerprint FROM admin_creation_key WHERE admin_id = $1 AND idempotency_key = $2")
        .execute(Tuple.of(admin, key))
        .map(rows -> Rows.first(rows).map(r -> new Idempotent.Made<>(r.getString("made"), Rows.bytes(r, "fingerprint"))));
  }
}
