package fr.cantou.visio;

import fr.cantou.platform.Platform;
import fr.cantou.platform.db.RateLimitStore;
import fr.cantou.support.PreparedPlans;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two statements every booking runs keep one plan on their connection instead of being planned
 * again at each call (PostgreSQL's choice between a generic plan and one planned with the
 * values: it keeps planning when it estimates the generic one dearer). Read from the session's
 * own {@code pg_prepared_statements} after more calls than the five PostgreSQL plans with the
 * values before it compares.
 */
class BookingStatementsPlannedOnceTest {
  private static final int CALLS = 12;

  private TestNode node;
  private Platform platform;
  private SqlConnection connection;

  @BeforeEach
  void start() {
    node = TestNode.start(TestDatabase.fresh(), Map.of(), Clock.systemUTC());
    platform = node.node().platform();
    connection = TestNode.await(platform.pool().getConnection());
  }

  @AfterEach
  void stop() {
    TestNode.await(connection.close());
    node.close();
  }

  @Test
  void the_period_locks_of_a_booking_are_not_planned_again_at_each_booking() {
    BookingStore store = new BookingStore();
    Instant start = Instant.parse("2027-03-01T09:00:00Z");
    for (int i = 0; i < CALLS; i++) {
      Transaction tx = TestNode.await(connection.begin());
      Instant slot = start.plus(Duration.ofMinutes(30L * i));
      assertThat(TestNode.await(store.tryLockPeriods(connection, UUID.randomUUID(), slot, slot.plus(Duration.ofMinutes(40)),
          i % 2 == 0 ? null : UUID.randomUUID(), slot.plus(Duration.ofMinutes(30))))).isTrue();
      TestNode.await(tx.commit());
    }
    assertThat(genericPlans("pg_try_advisory_xact_lock_shared")).as("calls run on the generic plan").isGreaterThan(0);
  }

  @Test
  void the_rate_limit_read_of_a_booking_is_not_planned_again_at_each_booking() {
    // A table the size of a busy day's: the index scan's estimate then depends on how many keys are asked for.
    TestNode.await(connection.query("INSERT INTO rate_limit (key, window_start, count) SELECT 'booking-email:' || n "
        + "|| '@example.test', now(), 1 FROM generate_series(1, 5000) n").execute());
    TestNode.await(connection.query("ANALYZE rate_limit").execute());
    RateLimitStore store = new RateLimitStore();
    for (int i = 0; i < CALLS; i++) {
      Map<String, RateLimitStore.Counter> counted = TestNode.await(store.current(connection,
          List.of("booking-address:192.0.2." + i, "booking-email:" + (i + 1) + "@example.test"), Instant.EPOCH));
      assertThat(counted).containsOnlyKeys("booking-email:" + (i + 1) + "@example.test");
    }
    assertThat(genericPlans("FROM rate_limit WHERE window_start > $1 AND key IN ($2, $3)")).as("calls run on the generic plan")
        .isGreaterThan(0);
  }

  private long genericPlans(String statementContaining) {
    PreparedPlans.Plans plans = PreparedPlans.of(connection, statementContaining).orElseThrow();
    assertThat(plans.calls()).as("the statement's calls").isEqualTo(CALLS);
    return plans.generic();
  }
}
