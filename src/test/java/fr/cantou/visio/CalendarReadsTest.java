package fr.cantou.visio;

import fr.cantou.support.StatementPlans;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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
  private static final Instant DAY_END = DAY.plus(java.time.Duration.ofHours(26));

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
  void the_agents_calendars_of_a_day_read_that_day_not_three_years_left_open() throws SQLException {
    assertReadsOnlyTheDay(CalendarStore.AGENT_CALENDARS, "uuid, timestamptz, timestamptz, uuid, timestamptz",
        "'%s', '%s', '%s', NULL, '%s'".formatted(visio.serviceId, DAY, DAY_END, DAY.minus(VisioStore.LONGEST_HOLD)));
  }

  @Test
  void the_points_calendar_of_a_day_reads_that_day_not_three_years_left_open() throws SQLException {
    assertReadsOnlyTheDay(CalendarStore.POINT_CALENDAR, "uuid, timestamptz, timestamptz, uuid",
        "'%s', '%s', '%s', NULL".formatted(visio.pointId, DAY, DAY_END));
  }

  @Test
  void withdrawing_a_point_reads_its_appointments_ahead_not_three_years_left_open() throws SQLException {
    assertReadsOnlyTheDay(CatalogueStore.OPEN_AT_POINT, "uuid, timestamptz, int", "'%s', '%s', 6".formatted(visio.pointId, DAY));
  }

  @Test
  void the_database_refuses_an_appointment_holding_its_agent_longer_than_a_day() {
    Throwable refused = catchThrowable(() -> sql("""
        UPDATE appointment SET ends_at = starts_at + interval '20 hours', blocked_until = starts_at + interval '25 hours'
        WHERE reference = 'OLD-1'"""));
    assertThat(refused).hasMessageContaining("appointment_holds_a_day_at_most");
  }

  /**
   * Run as the pool keeps it prepared, planned with its values and on the generic plan PostgreSQL may settle on: each
   * time, the rows of appointment its scans touched are those of the day, not of the years before.
   */
  private static void assertReadsOnlyTheDay(String query, String types, String values) throws SQLException {
    List<String> plans = StatementPlans.run(node.database(), query, types, values);
    for (int i = 0; i < plans.size(); i++) {
      List<JsonObject> scans = new ArrayList<>();
      collect(new JsonArray(plans.get(i)).getJsonObject(0).getJsonObject("Plan"), scans);
      String mode = StatementPlans.MODES.get(i);
      assertThat(scans).as(mode).isNotEmpty();
      assertThat(rowsTouched(scans)).as("%s: rows of appointment read for one day, %d left open before it", mode,
          LEFT_OPEN).isLessThan(100);
    }
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
