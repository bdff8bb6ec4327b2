package fr.cantou.realtime;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * Writes an event row inside the caller's transaction and notifies the listeners at commit.
 * The advisory lock makes event-writing transactions commit in id order, so a reader that
 * asks "events after id N" never misses one committed late with a smaller id.
 */
public final class EventOutbox {
  public static final String CHANNEL = "cantou_event";
  /** Arbitrary constant: the one advisory lock that orders event commits. */
  static final long ORDER_LOCK = 0x43414e544f55L;

  /** Must be called last in the transaction (the lock is held until commit). Returns the event id. */
  public Future<Long> append(SqlClient tx, String kind, Audience audience, JsonObject data) {
    return tx.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(ORDER_LOCK))
        .compose(locked -> tx.preparedQuery("""
                INSERT INTO event (kind, data, organisation_roles, user_ids, specialties, appointment_id, roles,
                                   except_user_ids)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id""")
            .execute(Tuple.from(new Object[] {kind, data,
                audience.organisationRoles().stream().map(OrganisationRole::encode).toArray(String[]::new),
                audience.users().toArray(UUID[]::new),
                audience.specialties().toArray(String[]::new),
                audience.appointment(),
                audience.roles().toArray(String[]::new),
                audience.exceptUsers().toArray(UUID[]::new)})))
        .map(rows -> rows.iterator().next().getLong("id"))
        .compose(id -> tx.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(CHANNEL, Long.toString(id))).map(id));
  }
}
