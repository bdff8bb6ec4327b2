package fr.cantou.teleconsult;

import fr.cantou.platform.db.Rows;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static fr.cantou.teleconsult.TeleconsultStore.utc;

/** SQL of a teleconsultation's timeline: what happened to it, when, by whom. */
final class TimelineStore {
  public record TimelineEntry(Instant at, String actorId, String actorName, String action, JsonObject detail) {}

  Future<Void> add(SqlClient db, UUID id, UUID actorId, String action, JsonObject detail, Instant now) {
    return db.preparedQuery("""
            INSERT INTO teleconsultation_timeline (teleconsultation_id, at, actor_id, action, detail)
            VALUES ($1, $2, $3, $4, $5)""")
        .execute(Tuple.of(id, utc(now), actorId, action, detail))
        .mapEmpty();
  }

  /**
   * A side's call lines on an item: the last one since the item was assigned to its doctor
   * ("joined" or "left", null when none: a new assignment is a new room) and how many since {@code since}.
   */
  record CallLines(String last, long since) {}

  Future<CallLines> callLines(SqlClient db, UUID id, String side, Instant assignedAt, Instant since) {
    // The item's row locked first: two call events of one item are judged one after the other.
    return db.preparedQuery("""
            WITH locked AS (SELECT id FROM teleconsultation WHERE id = $1 FOR UPDATE)
            SELECT (SELECT action FROM teleconsultation_timeline WHERE teleconsultation_id = $1
                      AND action IN ('joined', 'left') AND detail->>'side' = $2 AND at >= $4
                    ORDER BY id DESC LIMIT 1) AS last,
                   (SELECT count(*) FROM teleconsultation_timeline WHERE teleconsultation_id = $1
                      AND action IN ('joined', 'left') AND detail->>'side' = $2 AND at > $3) AS recent
            FROM locked""")
        .execute(Tuple.of(id, side, since.atOffset(java.time.ZoneOffset.UTC),
            (assignedAt == null ? Instant.EPOCH : assignedAt).atOffset(java.time.ZoneOffset.UTC)))
        .map(rows -> {
          var row = rows.iterator().next();
          return new CallLines(row.getString("last"), row.getLong("recent"));
        });
  }

  Future<List<TimelineEntry>> of(SqlClient db, UUID id) {
    return db.preparedQuery("""
            SELECT l.at, l.actor_id, u.display_name, l.action, l.detail FROM teleconsultation_timeline l
            LEFT JOIN app_user u ON u.id = l.actor_id WHERE l.teleconsultation_id = $1 ORDER BY l.id""")
        .execute(Tuple.of(id))
        .map(rows -> Rows.map(rows, r -> new TimelineEntry(Rows.instant(r, "at"), Rows.id(r, "actor_id"),
            r.getString("display_name"), r.getString("action"), (JsonObject) r.getValue("detail"))));
  }
}
