package fr.cantou.teleconsult;

import fr.cantou.platform.db.DatabaseErrors;
import fr.cantou.platform.db.DatabaseErrors.Rule;
import fr.cantou.platform.db.DatabaseErrors.Violation;
import fr.cantou.platform.db.Rows;
import fr.cantou.platform.http.Idempotent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The written exchange of a request (V52): nurse and doctor write to each other on the item,
 * above all for a téléexpertise (an opinion without a call). Read with the item, as its
 * vital signs are.
 */
public final class ExchangeStore {
  /** At most this many messages an item: an exchange about one request, not a chat room. */
  static final int MOST_MESSAGES = 200;

  /** What the schema refuses: the author's Idempotency-Key wrote a message already (V84; a retry sent at once). */
  public enum Refusal { KEY_USED }

  /** The item's messages, oldest first, as one JSON column of the item's query ({@code t} the teleconsultation). */
  static final String OF_ITEM = """
      (SELECT json_agg(json_build_object('side', m.side, 'authorName', a.display_name, 'text', m.body, 'at', m.at)
                       ORDER BY m.id)
       FROM teleconsultation_message m JOIN app_user a ON a.id = m.author_id
       WHERE m.teleconsultation_id = t.id) AS messages
      """;

  /**
   * Adds a message to an item open to an exchange (assigned or in call, patient data not erased,
   * fewer than {@link #MOST_MESSAGES}) and, from the doctor's side, still held by its author;
   * false otherwise, which the caller tells apart. In a transaction: the item is locked first
   * ({@link TeleconsultStore#LOCK_OPEN}), so that a message never lands after the completion, in
   * the next doctor's exchange, or past the limit. With its Idempotency-Key ({@code sent}, or null),
   * kept with it: the author's key used already fails as {@link Refusal#KEY_USED}.
   */
  public Future<Boolean> add(SqlClient tx, UUID item, UUID author, String side, String text, Instant now, Idempotent sent) {
    return tx.preparedQuery(TeleconsultStore.LOCK_OPEN)
        .execute(Tuple.of(item, new String[] {"assigned", "in_call"}, "doctor".equals(side) ? author : null))
        .compose(open -> open.rowCount() == 0 ? Future.succeededFuture(false) : tx.preparedQuery("""
                INSERT INTO teleconsultation_message (teleconsultation_id, author_id, side, body, at, idempotency_key,
                                                      idempotency_fingerprint)
                SELECT $1, $2, $3, $4, $5, $7, $8
                WHERE (SELECT count(*) FROM teleconsultation_message m WHERE m.teleconsultation_id = $1) < $6""")
            .execute(Tuple.from(new Object[] {item, author, side, text, TeleconsultStore.utc(now), MOST_MESSAGES,
                sent == null ? null : sent.key(), sent == null ? null : Buffer.buffer(sent.fingerprint())}))
            .map(rows -> rows.rowCount() == 1)
            .recover(DatabaseErrors.refusals(new Rule(Violation.UNIQUE, "idempotency_key", Refusal.KEY_USED))));
  }

  /** The item on which the author's Idempotency-Key wrote a message, and the fingerprint of that request. */
  public Future<Optional<Idempotent.Made<UUID>>> byIdempotencyKey(SqlClient db, UUID author, String key) {
    return db.preparedQuery("""
            SELECT teleconsultation_id, idempotency_fingerprint FROM teleconsultation_message
            WHERE author_id = $1 AND idempotency_key = $2""")
        .execute(Tuple.of(author, key))
        .map(rows -> Rows.first(rows).map(r -> new Idempotent.Made<>(r.getUUID("teleconsultation_id"),
            Rows.bytes(r, "idempotency_fingerprint"))));
  }

  public Future<Integer> count(SqlClient db, UUID item) {
    return db.preparedQuery("SELECT count(*) AS n FROM teleconsultation_message WHERE teleconsultation_id = $1")
        .execute(Tuple.of(item)).map(rows -> rows.iterator().next().getLong("n").intValue());
  }

  /** The {@link #OF_ITEM} column as records; an empty list when nothing was written. */
  static List<Teleconsultation.Message> read(Object column) {
    if (!(column instanceof JsonArray messages)) {
      return List.of();
    }
    return messages.stream().map(JsonObject.class::cast).map(m -> new Teleconsultation.Message(m.getString("side"),
        m.getString("authorName"), m.getString("text"), OffsetDateTime.parse(m.getString("at")).toInstant())).toList();
  }
}
