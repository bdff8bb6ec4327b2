package fr.cantou.realtime;

import fr.cantou.platform.json.Json;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;

import java.nio.charset.StandardCharsets;
import java.util.function.LongConsumer;

/**
 * Writes an event row inside the caller's transaction. No lock and no notification inside it:
 * writers commit in parallel, readers stay gap-free by transaction visibility (see
 * {@link EventStore}), and once the transaction has committed this node's listener is told at
 * once (it dispatches, then wakes the other nodes outside any transaction).
 */
public final class EventOutbox {
  public static final String CHANNEL = "cantou_event";

  private final EventStore store = new EventStore();
  private volatile LongConsumer committed = id -> { };

  /** Who hears, after the commit, the id of an event this node wrote (the node's listener). */
  public void onCommitted(LongConsumer listener) {
    this.committed = listener;
  }

  /** Returns the event id. Any step of the transaction may call it, any number of times. */
  public Future<Long> append(SqlClient tx, String kind, Audience audience, JsonObject data) {
    return store.insert(tx, kind, audience, data.encode()).onSuccess(id -> afterCommit(tx, id));
  }

  /**
   * The same, with a record as {@link Json} writes it (an appointment, a teleconsultation). It
   * must be written as a JSON object: anything else fails here, inside the transaction, rather
   * than commit a row that every node's listener could not read.
   */
  public Future<Long> appendValue(SqlClient tx, String kind, Audience audience, Record value) {
    String json = Json.encode(value).toString(StandardCharsets.UTF_8);
    if (!json.startsWith("{")) {
      return Future.failedFuture(new IllegalArgumentException("event data must be a JSON object: " + kind));
    }
    return store.insert(tx, kind, audience, json).onSuccess(id -> afterCommit(tx, id));
  }

  /**
   * Takes {@code keys} out of the data of every event about these items (kinds starting with
   * {@code kindPrefix}, the item's id in the data's {@code id}): what an erasure removes from an
   * item must not stay readable in the outbox until the events' retention. Answers how many events.
   */
  public Future<Integer> redact(SqlClient tx, String kindPrefix, java.util.List<java.util.UUID> items,
                                java.util.List<String> keys) {
    return store.redact(tx, kindPrefix, items, keys);
  }


  /**
   * Takes the element whose {@code id} is {@code elementId} out of the list {@code key} of every event about {@code item}
   * written since {@code since}: a thing withdrawn from an item (a file sent into the wrong request, whose name may name
   * another person) must not come back to a socket resuming from before its withdrawal. Answers how many events.
   */
  public Future<Integer> dropFromList(SqlClient tx, String kindPrefix, java.util.UUID item, String key, String elementId,
                                      java.time.Instant since) {
    return store.dropFromList(tx, kindPrefix, item, key, elementId, since);
  }

  private void afterCommit(SqlClient tx, long id) {
    Transaction transaction = tx instanceof SqlConnection connection ? connection.transaction() : null;
    if (transaction == null) {
      // Not in a transaction (auto-commit): the row is already committed.
      committed.accept(id);
    } else {
      transaction.completion().onSuccess(v -> committed.accept(id));
    }
  }
}
