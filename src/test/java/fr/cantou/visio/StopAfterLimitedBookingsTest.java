package fr.cantou.visio;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node stopped while bookings counted after the fact are still coming in (their uses gathered in memory a moment
 * before they are written, LaterCounts): its stop ends, and every use of every booking made is written or said
 * dropped, never lost in silence. A few rounds, each stopping at another point of the bookings' flow.
 */
class StopAfterLimitedBookingsTest {
  private static final int ROUNDS = 3;
  private static final int BOOKINGS = 40;
  private static final int ANSWERED_BEFORE_THE_STOP = 10;

  @Test
  void a_node_stopped_amid_bookings_ends_its_stop_and_writes_or_says_every_use() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      DatabaseEndpoint database = TestDatabase.fresh();
      TestNode node = TestNode.start(database, Map.of(), new MutableClock(Instant.parse("2026-11-30T06:00:00Z")));
      VisioTerritory visio = new VisioTerritory(node);
      ExecutorService citizens = Executors.newFixedThreadPool(BOOKINGS);
      CountDownLatch answered = new CountDownLatch(ANSWERED_BEFORE_THE_STOP);
      for (int i = 0; i < BOOKINGS; i++) {
        String start = slot(i);
        citizens.submit(() -> {
          try {
            if (visio.book(start).status() == 201) {
              answered.countDown();
            }
          } catch (IllegalStateException cutByTheStop) {
            // Her connection closed by the stop: booked or not, the database says.
          }
        });
      }
      assertThat(answered.await(60, TimeUnit.SECONDS)).as("bookings answered before the stop").isTrue();
      int dropped;
      try {
        node.close();
      } finally {
        dropped = node.node().rateLimits().dropped();
        citizens.shutdown();
      }
      assertThat(citizens.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
      int booked = count(database, "SELECT count(*) FROM appointment");
      // Each anonymous booking counts one use of her address and one of her e-mail (the same for all of them here).
      int written = count(database, "SELECT coalesce(sum(count), 0) FROM rate_limit WHERE key LIKE 'booking-%'");
      assertThat(written + dropped).as("round " + round + ": uses written or said dropped, for " + booked + " bookings")
          .isEqualTo(2 * booked);
    }
  }

  /** The i-th 30-minute slot of the agent's days from Tuesday 1 December 2026 (twenty a day, 8:00 to 18:00). */
  private static String slot(int i) {
    int minutes = 8 * 60 + (i % 20) * 30;
    return String.format("2026-12-%02dT%02d:%02d:00+01:00", 1 + i / 20, minutes / 60, minutes % 60);
  }

  private static int count(DatabaseEndpoint database, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
         ResultSet rows = c.createStatement().executeQuery(sql)) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
