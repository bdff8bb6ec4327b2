package fr.cantou.realtime;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Reads the outbox. (Writes go through {@link EventOutbox}, inside the changing transaction.) */
public final class EventStore {

  public Future<List<EventRecord>> after(SqlClient db, long afterId, int limit) {
    return db.preparedQuery("""
            SELECT id, kind, data, organisation_roles, user_ids, specialties, appointment_id, roles, except_user_ids
            FROM event WHERE id > $1 ORDER BY id LIMIT $2""")
        .execute(Tuple.of(afterId, limit))
        .map(rows -> fr.cantou.platform.db.Rows.map(rows, EventStore::event));
  }

  public Future<Long> latestId(SqlClient db) {
    return db.query("SELECT COALESCE(max(id), 0) AS id FROM event").execute()
        .map(rows -> rows.iterator().next().getLong("id"));
  }

  /** How many events came after {@code id}, counting no further than {@code cap}. */
  public Future<Integer> countAfter(SqlClient db, long id, int cap) {
    return db.preparedQuery("SELECT count(*) AS n FROM (SELECT 1 FROM event WHERE id > $1 LIMIT $2) AS recent")
        .execute(Tuple.of(id, cap))
        .map(rows -> rows.iterator().next().getInteger("n"));
  }

  private static EventRecord event(Row r) {
    Audience audience = new Audience(
        Set.copyOf(Arrays.asList(r.getArrayOfUUIDs("user_ids"))),
        Arrays.stream(r.getArrayOfStrings("organisation_roles")).map(OrganisationRole::decode)
            .collect(java.util.stream.Collectors.toUnmodifiableSet()),
        Set.copyOf(Arrays.asList(r.getArrayOfStrings("specialties"))),
        r.getUUID("appointment_id"),
        Set.copyOf(Arrays.asList(r.getArrayOfStrings("roles"))),
        Set.copyOf(Arrays.asList(r.getArrayOfUUIDs("except_user_ids"))));
    Object data = r.getValue("data");
    return new EventRecord(r.getLong("id"), r.getString("kind"),
        data instanceof JsonObject json ? json : new JsonObject(String.valueOf(data)), audience);
  }

}
