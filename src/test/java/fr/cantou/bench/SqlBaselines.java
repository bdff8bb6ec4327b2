package fr.cantou.bench;

import fr.cantou.platform.db.DatabaseEndpoint;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * The write transactions of the app with nothing around them, straight through the Vert.x PG
 * client: the rows the app writes (same tables, constraints and indexes, one event row each),
 * without HTTP, JSON validation, rights, locks or notifications. Their throughput is what the
 * database gives on this machine; the HTTP workloads are read against it.
 * The event row goes to {@code bench_event}, a table of event's shape that no node reads (see
 * {@link #createOutbox}); its kinds are the bench's own too.
 */
final class SqlBaselines {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  private static final String EVENT = """
      INSERT INTO bench_event (kind, data, organisation_roles, user_ids, specialties, appointment_id, roles)
      VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id""";

  private SqlBaselines() {}

  /**
   * The baselines' outbox: event's columns, defaults, constraints and indexes, but no node reads
   * it. Written into event, every baseline row was read and parsed by both nodes' outbox
   * listeners (about 1 CPU second each during a 10-second baseline), CPU taken from the
   * baseline. The id keeps event's default, event_position(): one row per transaction here, so
   * each gets its transaction's own position (it looks for others of the transaction in event,
   * where there are none), unique, and the insert pays the same lookup as the app's.
   */
  static void createOutbox(DatabaseEndpoint database) {
    try (Connection c = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
         Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS bench_event (LIKE event INCLUDING ALL)");
    } catch (SQLException e) {
      throw new IllegalStateException("bench_event could not be created", e);
    }
  }

  /**
   * A booking of agent (index mod agents) in the 10-minute slot that the index names, from
   * {@code firstDay} on, 07:00–21:00 every day: every transaction is a distinct free period, as
   * distinct bookings over HTTP are.
   */
  static ClosedLoop.Operation booking(Pool pool, JsonObject spec) {
    UUID service = UUID.fromString(spec.getString("serviceId"));
    UUID organisation = UUID.fromString(spec.getString("organisationId"));
    List<UUID> agents = spec.getJsonArray("agentIds").stream().map(a -> UUID.fromString(a.toString())).toList();
    LocalDate firstDay = LocalDate.parse(spec.getString("firstDay"));
    int slotsPerDay = 14 * 6;
    return index -> {
      UUID agent = agents.get((int) (index % agents.size()));
      long slot = index / agents.size();
      OffsetDateTime start = firstDay.plusDays(slot / slotsPerDay).atTime(LocalTime.of(7, 0))
          .plusMinutes(10 * (slot % slotsPerDay)).atZone(PARIS).toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC);
      OffsetDateTime end = start.plusMinutes(10);
      String reference = "SQL-" + index + "-" + UUID.randomUUID().toString().substring(0, 8);
      JsonObject data = new JsonObject().put("reference", reference).put("serviceId", service.toString())
          .put("serviceName", "Allocations familiales").put("administration", "CAF du Cantal").put("start", start.toString())
          .put("end", end.toString()).put("status", "booked").put("agentId", agent.toString()).put("citizen",
              new JsonObject().put("name", "Usager d'essai").put("email", "usager@bench.test"));
      return pool.withTransaction(tx -> tx.preparedQuery("""
                  INSERT INTO appointment (service_id, agent_id, point_id, starts_at, ends_at, blocked_until, status, reference,
                    citizen_name, citizen_email, citizen_phone, note, accessibility, booked_by, idempotency_key, room_name, created_at)
                  VALUES ($1, $2, NULL, $3, $4, $4, 'booked', $5, 'Usager d''essai', 'usager@bench.test', NULL, NULL, '{}', NULL,
                    NULL, $6, now()) RETURNING id""")
              .execute(Tuple.of(service, agent, start, end, reference, "bench-" + UUID.randomUUID()))
              .map(rows -> rows.iterator().next().getUUID("id"))
              .compose(id -> tx.preparedQuery(EVENT).execute(Tuple.from(new Object[] {"bench.appointment", data,
                  new String[] {organisation + "/agent"}, new UUID[] {agent}, new String[0], id, new String[0]}))))
          .map(rows -> "committed");
    };
  }

  /** A teleconsultation request: its row, its timeline row and its event, as the nurse's create writes them. */
  static ClosedLoop.Operation teleconsultation(Pool pool, JsonObject spec) {
    UUID organisation = UUID.fromString(spec.getString("organisationId"));
    UUID nurse = UUID.fromString(spec.getString("nurseId"));
    String specialty = spec.getString("specialty");
    return index -> {
      String reference = "SQL-" + index;
      JsonObject data = new JsonObject().put("status", "queued").put("specialty", specialty).put("urgency", "normal")
          .put("patient", new JsonObject().put("reference", reference).put("initials", "JD").put("birthYear", 1938))
          .put("reason", "Plaie au talon qui ne cicatrise pas").put("organisationId", organisation.toString())
          .put("nurseId", nurse.toString()).put("position", index);
      return pool.withTransaction(tx -> tx.preparedQuery("""
                  INSERT INTO teleconsultation (organisation_id, nurse_id, patient_reference, patient_initials, patient_birth_year,
                    reason, specialty, urgency, consent_by, consent_at, preferred_doctor_id, queued_at, announced_at, status,
                    room_name, idempotency_key, created_at)
                  VALUES ($1, $2, $3, 'JD', 1938, 'Plaie au talon qui ne cicatrise pas', $4, 'normal', 'patient', now(), NULL,
                    now(), now(), 'queued', $5, NULL, now()) RETURNING id""")
              .execute(Tuple.of(organisation, nurse, reference, specialty, "bench-tc-" + UUID.randomUUID()))
              .map(rows -> rows.iterator().next().getUUID("id"))
              .compose(id -> tx.preparedQuery("""
                      INSERT INTO teleconsultation_timeline (teleconsultation_id, at, actor_id, action, detail)
                      VALUES ($1, now(), $2, 'created', $3)""")
                  .execute(Tuple.of(id, nurse, new JsonObject().put("urgency", "normal").put("specialty", specialty)))
                  .compose(v -> tx.preparedQuery(EVENT).execute(Tuple.from(new Object[] {"bench.teleconsultation",
                      data.copy().put("id", id.toString()), new String[] {organisation + "/nurse"}, new UUID[0], new String[0], null,
                      new String[0]})))))
          .map(rows -> "committed");
    };
  }
}
