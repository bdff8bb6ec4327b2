package fr.cantou.teleconsult;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL of the demo's past teleconsultations: written as the service would have left them, in batches. */
final class DemoTeleconsultStore {

  Future<Void> insert(SqlClient db, List<DemoTeleconsultHistory.PastRequest> requests) {
    if (requests.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows = new ArrayList<>();
    for (DemoTeleconsultHistory.PastRequest r : requests) {
      boolean done = r.completedAt() != null;
      rows.add(Tuple.tuple().addUUID(r.id()).addUUID(r.nurse().organisationId()).addUUID(r.nurse().id())
          .addString(r.reference()).addString(r.initials()).addInteger(r.birthYear()).addString(r.reason())
          .addString(r.specialty()).addString(r.urgency()).addString(r.consentBy()).addOffsetDateTime(utc(r.createdAt()))
          .addString(done ? "completed" : "cancelled").addUUID(done ? r.doctor().id() : null)
          .addString("cantou-tc-demo-" + r.id()).addOffsetDateTime(utc(r.escalatedAt()))
          .addOffsetDateTime(utc(r.assignedAt())).addOffsetDateTime(utc(r.startedAt()))
          .addOffsetDateTime(utc(r.completedAt())).addOffsetDateTime(utc(r.cancelledAt()))
          .addString(r.report()).addString(r.outcome()).addString(r.askedKind()));
    }
    // The kind as the nurse asked it: the trigger keeps it as asked_kind; the opinions turned into calls change after.
    return db.preparedQuery("""
            INSERT INTO teleconsultation (id, organisation_id, nurse_id, patient_reference, patient_initials,
              patient_birth_year, reason, specialty, urgency, consent_by, consent_at, queued_at, announced_at, created_at,
              status, doctor_id, room_name, escalated_at, assigned_at, started_at, nurse_joined_at, doctor_joined_at,
              completed_at, cancelled_at, report, outcome, kind)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $11, $11, $12, $13, $14, $15, $16, $17, $17, $17,
              $18, $19, $20, $21, $22)""")
        .executeBatch(rows)
        .compose(v -> db.preparedQuery("UPDATE teleconsultation SET kind = 'video', video_at = started_at WHERE id = ANY($1)")
            .execute(Tuple.of(requests.stream().filter(DemoTeleconsultHistory.PastRequest::turnedIntoCall)
                .map(DemoTeleconsultHistory.PastRequest::id).toArray(UUID[]::new))))
        .compose(v -> timeline(db, requests));
  }

  /** The lines the service writes at each step, with the same actions and details. */
  private Future<Void> timeline(SqlClient db, List<DemoTeleconsultHistory.PastRequest> requests) {
    List<Tuple> lines = new ArrayList<>();
    for (DemoTeleconsultHistory.PastRequest r : requests) {
      lines.add(line(r.id(), r.createdAt(), r.nurse().id(), "created", new JsonObject().put("urgency", r.urgency())
          .put("specialty", r.specialty()).put("consentBy", r.consentBy()).put("kind", r.askedKind())));
      lines.add(line(r.id(), r.createdAt(), null, "announced", new JsonObject()));
      if (r.escalatedAt() != null) {
        lines.add(line(r.id(), r.escalatedAt(), null, "escalated", new JsonObject().put("why",
            "waiting longer than " + java.time.Duration.between(r.createdAt(), r.escalatedAt()).toMinutes() + " minutes")));
      }
      if (r.cancelledAt() != null) {
        lines.add(line(r.id(), r.cancelledAt(), r.nurse().id(), "cancelled", new JsonObject()));
        continue;
      }
      lines.add(line(r.id(), r.assignedAt(), r.doctor().id(), "assigned", new JsonObject().put("doctor", r.doctor().displayName())));
      lines.add(line(r.id(), r.completedAt(), r.doctor().id(), "completed", new JsonObject().put("outcome", r.outcome())));
    }
    return db.preparedQuery("INSERT INTO teleconsultation_timeline (teleconsultation_id, at, actor_id, action, detail)"
            + " VALUES ($1, $2, $3, $4, $5)")
        .executeBatch(lines)
        .mapEmpty();
  }

  private static Tuple line(UUID item, Instant at, UUID actor, String action, JsonObject detail) {
    return Tuple.tuple().addUUID(item).addOffsetDateTime(utc(at)).addUUID(actor).addString(action).addValue(detail);
  }

  private static OffsetDateTime utc(Instant at) {
    return at == null ? null : at.atOffset(ZoneOffset.UTC);
  }
}
