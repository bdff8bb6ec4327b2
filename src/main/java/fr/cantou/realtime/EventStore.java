package fr.cantou.realtime;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * SQL of the outbox: its rows (written through {@link EventOutbox}, inside the changing
 * transaction) and the wake-up of the other nodes.
 * Every read stops at the horizon: ids below it belong to transactions that have all ended,
 * so no event can still commit below it and readers never skip one (see V12's migration).
 */
public final class EventStore {
  /** Ids below this are final: no transaction that could still write one is running. */
  private static final String HORIZON = "(pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 12)";

  /** Returns the event's id (its position, see V12). */
  Future<Long> insert(SqlClient tx, String kind, Audience audience, String json) {
    // The data as JSON text, cast by PostgreSQL: an item already written as JSON is not parsed
    // into a JsonObject on the node only to be written again by the client.
    return tx.preparedQuery("""
            INSERT INTO event (kind, data, organisation_roles, user_ids, specialties, appointment_id, roles,
                               except_user_ids, device_ids)
            VALUES ($1, $2::text::jsonb, $3, $4, $5, $6, $7, $8, $9) RETURNING id""")
        .execute(Tuple.from(new Object[] {kind, json,
            audience.organisationRoles().stream().map(OrganisationRole::encode).toArray(String[]::new),
            audience.users().toArray(UUID[]::new),
            audience.specialties().toArray(String[]::new),
            audience.appointment(),
            audience.roles().toArray(String[]::new),
            audience.exceptUsers().toArray(UUID[]::new),
            audience.devices().toArray(UUID[]::new)}))
        .map(rows -> rows.iterator().next().getLong("id"));
  }

  /** See {@link EventOutbox#redact}: one statement, the events read once (a rare request of an admin). */
  Future<Integer> redact(SqlClient tx, String kindPrefix, List<UUID> items, List<String> keys) {
    if (items.isEmpty() || keys.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return tx.preparedQuery("""
            UPDATE event SET data = data - $3::text[]
            WHERE starts_with(kind, $1) AND data->>'id' = ANY($2::text[]) AND data ?| $3::text[]""")
        .execute(Tuple.of(kindPrefix, items.stream().map(UUID::toString).toArray(String[]::new), keys.toArray(String[]::new)))
        .map(rows -> rows.rowCount());
  }

  /** See {@link EventOutbox#dropFromList}: the events since {@code since} only (an index, not the whole outbox). */
  Future<Integer> dropFromList(SqlClient tx, String kindPrefix, UUID item, String key, String elementId, Instant since) {
    return tx.preparedQuery("""
            UPDATE event SET data = jsonb_set(data, ARRAY[$3], COALESCE(
                (SELECT jsonb_agg(e ORDER BY n) FROM jsonb_array_elements(data -> $3) WITH ORDINALITY AS x(e, n)
                 WHERE e ->> 'id' IS DISTINCT FROM $4), '[]'::jsonb))
            WHERE created_at >= $5 AND starts_with(kind, $1) AND data ->> 'id' = $2
              AND jsonb_typeof(data -> $3) = 'array' AND data -> $3 @> jsonb_build_array(jsonb_build_object('id', $4::text))""")
        .execute(Tuple.of(kindPrefix, item.toString(), key, elementId, since.atOffset(java.time.ZoneOffset.UTC)))
        .map(rows -> rows.rowCount());
  }

  /** Wakes the other nodes (their LISTEN on {@code channel}); outside any transaction. */
  Future<Void> notifyNodes(SqlClient db, String channel, String payload) {
    return db.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(channel, payload)).mapEmpty();
  }

  public Future<List<EventRecord>> after(SqlClient db, long afterId, int limit) {
    return db.preparedQuery("""
            SELECT id, kind, data, organisation_roles, user_ids, specialties, appointment_id, roles, except_user_ids,
                   device_ids
            FROM event WHERE id > $1 AND id < %s ORDER BY id LIMIT $2""".formatted(HORIZON))
        .execute(Tuple.of(afterId, limit))
        .map(rows -> fr.cantou.platform.db.Rows.map(rows, EventStore::event));
  }

  /**
   * What the listener's safety net reads: the events after {@code afterId} (as {@link #after}), the stream they belong
   * to, its newest final event and the retention's watermark, in one statement (one snapshot).
   */
  public record Checked(String stream, long latestId, long purgedThrough, List<EventRecord> events) {
    /** The newest id this database is known to have given: its newest event's, or the watermark (events purged up to it). */
    long newestGiven() {
      return Math.max(latestId, purgedThrough);
    }
  }

  /**
   * {@link #after}, with where the outbox stands ({@link Checked}): the same round trip, not one more. {@code OFFSET 0}
   * keeps the planner from pulling {@code p} up into the join, which evaluated {@code event_stream()} once per event
   * read (500 a full batch, each a read of pg_control under its lock and two subtransactions) for one value.
   */
  public Future<Checked> checkedAfter(SqlClient db, long afterId, int limit) {
    return db.preparedQuery("""
            SELECT p.stream, p.latest, p.purged, e.*
            FROM (SELECT event_stream() AS stream, (SELECT COALESCE(max(id), 0) FROM event WHERE id < %1$s) AS latest,
                         (SELECT purged_through FROM event_retention) AS purged OFFSET 0) p
            LEFT JOIN LATERAL (
              SELECT id, kind, data, organisation_roles, user_ids, specialties, appointment_id, roles, except_user_ids,
                     device_ids
              FROM event WHERE id > $1 AND id < %1$s ORDER BY id LIMIT $2) e ON true
            ORDER BY e.id""".formatted(HORIZON))
        .execute(Tuple.of(afterId, limit))
        .map(rows -> {
          List<EventRecord> read = new java.util.ArrayList<>();
          Row first = null;
          for (Row r : rows) {
            first = first == null ? r : first;
            if (r.getValue("id") != null) {
              read.add(event(r));
            }
          }
          return new Checked(first.getString("stream"), first.getLong("latest"), first.getLong("purged"), read);
        });
  }

  /**
   * What a replay reads next: the final events after {@code afterId}, as {@link #after}; empty when the retention
   * purge has removed one of them since the replay began (read with the watermark in the same statement, whose
   * snapshot sees a purge's deletions and its watermark together or neither): the client needs a snapshot.
   */
  public Future<Optional<List<EventRecord>>> replayAfter(SqlClient db, long afterId, int limit) {
    return db.preparedQuery("""
            SELECT r.purged_through, e.*
            FROM event_retention r LEFT JOIN LATERAL (
              SELECT id, kind, data, organisation_roles, user_ids, specialties, appointment_id, roles, except_user_ids,
                     device_ids
              FROM event WHERE id > $1 AND id < %s ORDER BY id LIMIT $2) e ON true
            ORDER BY e.id""".formatted(HORIZON))
        .execute(Tuple.of(afterId, limit))
        .map(rows -> {
          List<EventRecord> read = new java.util.ArrayList<>();
          for (Row r : rows) {
            if (afterId < r.getLong("purged_through")) {
              return Optional.empty();
            }
            if (r.getValue("id") != null) {
              read.add(event(r));
            }
          }
          return Optional.of(read);
        });
  }

  /** The stream event ids belong to ({@code event_stream()}, V99) and its newest final id, read together. */
  public record Position(String stream, long latestId) {}

  /** Where the outbox stands: an id and the stream it means something in (see {@link Position}). */
  public Future<Position> position(SqlClient db) {
    return db.query("SELECT event_stream() AS stream, (SELECT COALESCE(max(id), 0) FROM event WHERE id < " + HORIZON + ") AS id")
        .execute()
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Position(r.getString("stream"), r.getLong("id"));
        });
  }

  /**
   * How many final events came after {@code id}, counting no further than {@code cap}; empty
   * when the retention purge already removed some of them (the client needs a snapshot).
   */
  public Future<Optional<Integer>> countAfter(SqlClient db, long id, int cap) {
    return db.preparedQuery("""
            SELECT (SELECT purged_through FROM event_retention) AS purged,
                   (SELECT count(*) FROM (SELECT 1 FROM event WHERE id > $1 AND id < %s LIMIT $2) AS recent) AS n"""
            .formatted(HORIZON))
        .execute(Tuple.of(id, cap))
        .map(rows -> {
          Row r = rows.iterator().next();
          return id < r.getLong("purged") ? Optional.empty() : Optional.of(r.getInteger("n"));
        });
  }

  /**
   * Deletes up to {@code batch} events written before {@code before}, oldest first, in one short
   * transaction that also moves the watermark; rows another node is purging are skipped, not
   * waited for. Returns how many went.
   */
  public Future<Integer> purgeBatch(Pool pool, Instant before, int batch) {
    return pool.withTransaction(tx -> tx.preparedQuery("""
            WITH gone AS (
              DELETE FROM event WHERE id IN (
                SELECT id FROM event WHERE created_at < $1 AND id < %s ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
              RETURNING id)
            UPDATE event_retention SET purged_through = GREATEST(purged_through, (SELECT COALESCE(max(id), 0) FROM gone))
            RETURNING (SELECT count(*) FROM gone) AS n""".formatted(HORIZON))
        .execute(Tuple.of(before.atOffset(ZoneOffset.UTC), batch))
        .map(rows -> rows.iterator().next().getInteger("n")));
  }

  /**
   * Deletes up to {@code batch} events whose ids no transaction of this server has reached (at or above the next
   * transaction id, shifted): rows of another server, brought by a restored dump, whose transaction ids started again
   * lower. Never read nor purged (above the horizon), they would be pushed live once this server's ids reached theirs.
   * When there were some, the watermark becomes that first id this server may give: a resume from before it (an id of
   * the old server) gets a snapshot; one from an event written since resumes. Answers how many went.
   */
  public Future<Integer> forgetAnotherServersEvents(Pool pool, int batch) {
    return pool.withTransaction(tx -> tx.preparedQuery("""
            WITH first_possible AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint << 12 AS id),
            gone AS (
              DELETE FROM event WHERE id IN (
                SELECT id FROM event WHERE id >= (SELECT id FROM first_possible) ORDER BY id LIMIT $1)
              RETURNING id),
            moved AS (
              UPDATE event_retention SET purged_through = (SELECT id FROM first_possible)
              WHERE EXISTS (SELECT 1 FROM gone) RETURNING 1)
            SELECT (SELECT count(*) FROM gone) AS n, (SELECT count(*) FROM moved) AS moved""")
        .execute(Tuple.of(batch))
        .map(rows -> rows.iterator().next().getInteger("n")));
  }

  private static EventRecord event(Row r) {
    Audience audience = new Audience(
        Set.copyOf(Arrays.asList(r.getArrayOfUUIDs("user_ids"))),
        Arrays.stream(r.getArrayOfStrings("organisation_roles")).map(OrganisationRole::decode)
            .collect(java.util.stream.Collectors.toUnmodifiableSet()),
        Set.copyOf(Arrays.asList(r.getArrayOfStrings("specialties"))),
        r.getUUID("appointment_id"),
        Set.copyOf(Arrays.asList(r.getArrayOfStrings("roles"))),
        Set.copyOf(Arrays.asList(r.getArrayOfUUIDs("except_user_ids"))),
        Set.copyOf(Arrays.asList(r.getArrayOfUUIDs("device_ids"))));
    Object data = r.getValue("data");
    return new EventRecord(r.getLong("id"), r.getString("kind"),
        data instanceof JsonObject json ? json : new JsonObject(String.valueOf(data)), audience);
  }
}
