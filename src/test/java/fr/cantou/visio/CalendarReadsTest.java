package fr.cantou.visio;

import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The calendars a slot search or a booking reads cost what the day holds, not what the agent (or the point) ever held:
 * appointments nobody closed ("Terminé", "Absent") stay open for ever, and three years of them were read again at each
 * read of one day. Checked on the plans PostgreSQL runs (EXPLAIN ANALYZE): the rows each read of the appointments
 * touched.
 */
class CalendarReadsTest {
  /** Three years of weekday mornings, 8 appointments each, left open. */
  private static final int LEFT_OPEN = 3 * 52 * 5 * 8;
  /** The day read: Tuesday 1 December 2026, Paris. */
  private static final Instant DAY = Instant.parse("2026-11-30T23:00:00Z");

  static TestNode node;
  static VisioTerritory visio;

  @BeforeAll
  static void threeYearsLeftOpen() {
    node = TestNode.start();
    visio = new VisioTerritory(node);
    // Past appointments of the agent at the point, every weekday 09:00–12:00 from 2023, never closed.
    sql("""
        INSERT INTO appointment (service_id, agent_id, point_id, starts_at, ends_at, blocked_until, status, reference,
          citizen_name, citizen_email, room_name, created_at)
        SELECT '%1$s', '%2$s', '%3$s', t, t + interval '20 minutes', t + interval '22 minutes', 'booked', 'OLD-' || n,
               'Jeanne Vidal', 'jeanne@example.fr', 'old-room-' || n, t - interval '7 days'
        FROM (SELECT t, row_number() OVER () AS n
              FROM generate_series(timestamptz '2023-11-27 08:00Z', timestamptz '2026-11-27 11:00Z', interval '22 minutes') t
              WHERE extract(isodow FROM t) <= 5 AND t::time BETWEEN '08:00' AND '10:40') s
        LIMIT %4$d""".formatted(visio.serviceId, visio.agentId, visio.pointId, LEFT_OPEN));
    sql("ANALYZE appointment");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void the_agents_calendars_of_a_day_read_that_day_not_three_years_left_open() {
    List<JsonObject> scans = appointmentScans(CalendarStore.AGENT_CALENDARS,
        CalendarStore.agentCalendarsValues(UUID.fromString(visio.serviceId), DAY, DAY.plusSeconds(26 * 3600), null));
    assertThat(scans).isNotEmpty();
    assertThat(rowsTouched(scans)).as("rows of appointment read for one day, %d left open before it", LEFT_OPEN)
        .isLessThan(100);
  }

  @Test
  void the_points_calendar_of_a_day_reads_that_day_not_three_years_left_open() {
    List<JsonObject> scans = appointmentScans(CalendarStore.POINT_CALENDAR,
        Tuple.of(UUID.fromString(visio.pointId), DAY.atOffset(java.time.ZoneOffset.UTC),
            DAY.plusSeconds(26 * 3600).atOffset(java.time.ZoneOffset.UTC), null));
    assertThat(scans).isNotEmpty();
    assertThat(rowsTouched(scans)).as("rows of appointment read for one day, %d left open before it", LEFT_OPEN)
        .isLessThan(100);
  }

  @Test
  void the_database_refuses_an_appointment_holding_its_agent_longer_than_a_day() {
    Throwable refused = catchThrowable(() -> sql("""
        UPDATE appointment SET ends_at = starts_at + interval '20 hours', blocked_until = starts_at + interval '25 hours'
        WHERE reference = 'OLD-1'"""));
    assertThat(refused).hasMessageContaining("appointment_holds_a_day_at_most");
  }

  /** The plan nodes that read the appointment table, as EXPLAIN (ANALYZE, FORMAT JSON) gives them. */
  private static List<JsonObject> appointmentScans(String query, Tuple values) {
    var rows = TestNode.await(node.node().platform().pool().preparedQuery("EXPLAIN (ANALYZE, FORMAT JSON) " + query)
        .execute(values));
    Object plan = rows.iterator().next().getValue(0);
    JsonArray explained = plan instanceof JsonArray array ? array : new JsonArray(plan.toString());
    List<JsonObject> scans = new ArrayList<>();
    collect(explained.getJsonObject(0).getJsonObject("Plan"), scans);
    return scans;
  }

  private static void collect(JsonObject node, List<JsonObject> scans) {
    if ("appointment".equals(node.getString("Relation Name"))) {
      scans.add(node);
    }
    JsonArray children = node.getJsonArray("Plans");
    if (children != null) {
      children.forEach(child -> collect((JsonObject) child, scans));
    }
  }

  /** Rows each scan gave or threw away (after reading them), over all its loops. */
  private static long rowsTouched(List<JsonObject> scans) {
    return scans.stream().mapToLong(s -> Math.round((s.getDouble("Actual Rows", 0.0)
        + s.getDouble("Rows Removed by Filter", 0.0) + s.getDouble("Rows Removed by Index Recheck", 0.0))
        * s.getDouble("Actual Loops", 1.0))).sum();
  }

  private static void sql(String query) {
    TestNode.await(node.node().platform().pool().query(query).execute());
  }
}
