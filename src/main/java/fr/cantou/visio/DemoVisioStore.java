package fr.cantou.visio;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL of the demo's past appointments: written as the service would have left them, in one batch. */
final class DemoVisioStore {

  Future<Void> insert(SqlClient db, List<DemoVisioHistory.PastAppointment> appointments) {
    if (appointments.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows = new ArrayList<>();
    for (DemoVisioHistory.PastAppointment a : appointments) {
      boolean met = a.status().equals("completed");
      rows.add(Tuple.tuple().addUUID(a.service().id()).addUUID(a.agentId()).addUUID(a.pointId())
          .addOffsetDateTime(utc(a.start())).addOffsetDateTime(utc(a.end())).addOffsetDateTime(utc(a.blockedUntil()))
          .addString(a.status()).addString(References.next(a.service().prefix())).addString(a.citizenName())
          .addString(a.citizenEmail()).addString(a.citizenPhone()).addString("cantou-va-demo-" + UUID.randomUUID())
          .addOffsetDateTime(utc(a.createdAt())).addOffsetDateTime(utc(a.cancelledAt()))
          .addOffsetDateTime(utc(a.finishedAt()))
          .addOffsetDateTime(met ? utc(a.start().minusSeconds(180)) : null)
          .addOffsetDateTime(met ? utc(a.start().plusSeconds(60)) : null));
    }
    // A reference drawn twice (five characters of 31) loses its second appointment: a demo can spare it.
    return db.preparedQuery("""
            INSERT INTO appointment (service_id, agent_id, point_id, starts_at, ends_at, blocked_until, status, reference,
              citizen_name, citizen_email, citizen_phone, room_name, created_at, cancelled_at, finished_at,
              citizen_waiting_at, agent_joined_at, citizen_in_room)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                    CASE WHEN $16::timestamptz IS NULL THEN '{}'::text[] ELSE '{citizen}' END)
            ON CONFLICT DO NOTHING""")
        .executeBatch(rows)
        .mapEmpty();
  }

  private static OffsetDateTime utc(Instant at) {
    return at == null ? null : at.atOffset(ZoneOffset.UTC);
  }
}
