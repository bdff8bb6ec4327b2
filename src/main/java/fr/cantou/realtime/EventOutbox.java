package fr.cantou.realtime;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * Writes an event row inside the caller's transaction. No lock and no notification inside it:
 * writers commit in parallel, readers stay gap-free by transaction visibility (see
 * {@link EventStore}), and once the transaction has committed this node's listener is told at
 * once (it dispatches, then wakes the other nodes outside any transaction).
 */
public final class EventOutbox {
  public static final String CHANNEL = "cantou_event";

  private volatile LongConsumer committed = id -> { };

  /** Who hears, after the commit, the id of an event this node wrote (the node's listener). */
  public void onCommitted(LongConsumer listener) {
    this.committed = listener;
  }

  /** Returns the event id. Any step of the transaction may call it, any number of times. */
  public Future<Long> append(SqlClient tx, String kind, Audience audience, JsonObject data) {
    return tx.preparedQuery("""
            INSERT INTO event (kind, data, organisation_roles, user_ids, specialties, appointment_id, roles,
                               except_user_ids)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id""")
        .execute(Tuple.from(new Object[] {kind, data,
            audience.organisationRoles().stream().map(OrganisationRole::encode).toArray(String[]::new),
            audience.users().toArray(UUID[]::new),
            audience.specialties().toArray(String[]::new),
            audience.appointment(),
            audience.roles().toArray(String[]::new),
            audience.exceptUsers().toArray(UUID[]::new)}))
        .map(rows -> rows.iterator().next().getLong("id"))
        .onSuccess(id -> afterCommit(tx, id));
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
