package fr.cantou.platform;

import fr.cantou.platform.http.ApiException;
import fr.cantou.support.Eventually;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Far from its limits, a use is counted after the thing limited was done, with others, without
 * waiting on its key's row; the uses not written yet still count when the next request asks how
 * far it is from its limit. (Uses are gathered for an hour here: written only when the test says.)
 */
class RateLimitsTest {
  private static final Duration WINDOW = Duration.ofHours(1);
  private static final ApiException TOO_MANY = new ApiException(429,
      "Too many bookings from here or for this person in the last hour; please try again later or call the service.");

  private TestNode node;
  private Platform platform;
  private RateLimits limits;

  @BeforeEach
  void start() {
    node = TestNode.start(TestDatabase.fresh(), Map.of(), Clock.systemUTC());
    platform = node.node().platform();
    limits = new RateLimits(platform, Duration.ofHours(1), Duration.ofMinutes(1));
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void a_use_counted_far_from_its_limit_never_waits_on_its_keys_row() {
    List<RateLimits.Limit> address = List.of(new RateLimits.Limit("booking-address:192.0.2.7", 100_000));
    TestNode.await(TestNode.await(limits.admit(address, WINDOW, TOO_MANY)).done());
    TestNode.await(limits.flush());
    assertThat(counted("booking-address:192.0.2.7")).isEqualTo(1);

    // Another booking of the same address is writing its row right now, and holds it.
    SqlConnection other = TestNode.await(platform.pool().getConnection());
    Transaction holding = TestNode.await(other.begin());
    TestNode.await(other.preparedQuery("SELECT count FROM rate_limit WHERE key = $1 FOR UPDATE")
        .execute(Tuple.of("booking-address:192.0.2.7")));
    try {
      RateLimits.Admission admitted = TestNode.await(limits.admit(address, WINDOW, TOO_MANY));
      assertThat(admitted.takenInWrite()).isFalse();
      Future<Void> done = admitted.done();
      assertThat(done.isComplete()).as("counted without waiting for the other's row").isTrue();
    } finally {
      TestNode.await(holding.commit());
      TestNode.await(other.close());
    }
    TestNode.await(limits.flush());
    assertThat(counted("booking-address:192.0.2.7")).as("written with the next batch").isEqualTo(2);
  }

  @Test
  void uses_not_written_yet_bring_a_key_near_its_limit_where_uses_are_taken_in_the_write() {
    // 1,100 below the limit is "far" (RateLimits.FAR_FROM_THE_LIMIT): two uses not written bring this key near it.
    List<RateLimits.Limit> contact = List.of(new RateLimits.Limit("booking-email:jeanne@example.test", 1_101));
    RateLimits.Admission first = TestNode.await(limits.admit(contact, WINDOW, TOO_MANY));
    assertThat(first.takenInWrite()).isFalse();
    TestNode.await(first.done());
    RateLimits.Admission second = TestNode.await(limits.admit(contact, WINDOW, TOO_MANY));
    assertThat(second.takenInWrite()).as("1 written or not + 1,100 ≤ 1,101").isFalse();
    TestNode.await(second.done());
    assertThat(counted("booking-email:jeanne@example.test")).as("nothing written yet").isZero();

    RateLimits.Admission third = TestNode.await(limits.admit(contact, WINDOW, TOO_MANY));
    assertThat(third.takenInWrite()).as("the two in memory count: taken atomically, in the write").isTrue();
    TestNode.await(platform.pool().withTransaction(tx -> third.inWrite(tx)));
    TestNode.await(limits.flush());
    assertThat(counted("booking-email:jeanne@example.test")).isEqualTo(3);
  }

  @Test
  void uses_whose_statement_has_not_committed_yet_still_count() {
    List<RateLimits.Limit> contact = List.of(new RateLimits.Limit("booking-phone:+33612345678", 1_101));
    TestNode.await(TestNode.await(limits.admit(contact, WINDOW, TOO_MANY)).done());
    TestNode.await(limits.flush());
    TestNode.await(TestNode.await(limits.admit(contact, WINDOW, TOO_MANY)).done());

    // The key's row is held by another transaction: the batch's statement waits for it.
    SqlConnection other = TestNode.await(platform.pool().getConnection());
    Transaction holding = TestNode.await(other.begin());
    TestNode.await(other.preparedQuery("SELECT count FROM rate_limit WHERE key = $1 FOR UPDATE")
        .execute(Tuple.of("booking-phone:+33612345678")));
    Future<Void> writing;
    try {
      writing = limits.flush();
      // 1 written + 1 being written + 1,100 > 1,101: near the limit, so taken in the write, which waits for the row too.
      Future<Void> third = limits.admit(contact, WINDOW, TOO_MANY)
          .compose(admitted -> platform.pool().withTransaction(admitted::inWrite));
      Throwable refused = awaitFailure(third);
      assertThat(refused).as("counted though not committed: taken, and refused after waiting for the row")
          .isInstanceOf(ApiException.class);
      assertThat(((ApiException) refused).status()).as("busy behind another write, not over her limit: try again")
          .isEqualTo(503);
      assertThat(((ApiException) refused).retryAfterSeconds()).isEqualTo(1);
    } finally {
      TestNode.await(holding.commit());
      TestNode.await(other.close());
    }
    TestNode.await(writing);
    assertThat(counted("booking-phone:+33612345678")).isEqualTo(2);
  }

  /**
   * A write of uses that waits on a row held by a transaction left open gives up and is written with the next one: the
   * writes after it, and the node's stop (which writes the last uses), do not wait for that transaction to end.
   */
  @Test
  void a_write_held_up_by_a_transaction_left_open_gives_up_and_nothing_is_lost() {
    RateLimits quick = new RateLimits(platform, Duration.ofHours(1), Duration.ofMillis(300));
    List<RateLimits.Limit> address = List.of(new RateLimits.Limit("booking-address:192.0.2.9", 100_000));
    TestNode.await(TestNode.await(quick.admit(address, WINDOW, TOO_MANY)).done());
    TestNode.await(quick.flush());
    TestNode.await(TestNode.await(quick.admit(address, WINDOW, TOO_MANY)).done());

    SqlConnection other = TestNode.await(platform.pool().getConnection());
    Transaction leftOpen = TestNode.await(other.begin());
    TestNode.await(other.preparedQuery("SELECT count FROM rate_limit WHERE key = $1 FOR UPDATE")
        .execute(Tuple.of("booking-address:192.0.2.9")));
    try {
      TestNode.await(quick.flush());
      assertThat(counted("booking-address:192.0.2.9")).as("not written while the row is held").isEqualTo(1);
      RateLimits.Admission third = TestNode.await(quick.admit(address, WINDOW, TOO_MANY));
      TestNode.await(third.done());
      TestNode.await(quick.flush());
    } finally {
      TestNode.await(leftOpen.commit());
      TestNode.await(other.close());
    }
    TestNode.await(quick.flush());
    assertThat(counted("booking-address:192.0.2.9")).as("the uses given back, written once the row is free").isEqualTo(3);
  }

  /**
   * The timer that writes the uses is the node's: a use counted by a request of an HTTP server (a verticle, whose timers
   * Vert.x cancels when it is undeployed) is written on time even once that server is gone. Set by the request, on its
   * server's context, the timer was cancelled with it, and no use of the node was written until its stop.
   */
  @Test
  void a_use_counted_by_a_server_undeployed_since_is_written_by_the_nodes_timer() {
    RateLimits timed = new RateLimits(platform, Duration.ofMillis(300), Duration.ofMinutes(1));
    timed.start();
    try {
      List<RateLimits.Limit> address = List.of(new RateLimits.Limit("booking-address:192.0.2.11", 100_000));
      String server = TestNode.await(platform.vertx().deployVerticle(new VerticleBase() {
        @Override
        public Future<?> start() {
          return timed.admit(address, WINDOW, TOO_MANY).compose(RateLimits.Admission::done);
        }
      }));
      TestNode.await(platform.vertx().undeploy(server));
      Eventually.until("the use written by the node's timer", () -> counted("booking-address:192.0.2.11") == 1);
    } finally {
      TestNode.await(timed.stop());
    }
    assertThat(timed.dropped()).isZero();
  }

  /**
   * A use counted once the stop has begun (a request that outlived the servers' grace) is dropped and said: it was left
   * to a timer that no longer wrote, and lost without a word.
   */
  @Test
  void a_use_counted_after_the_stop_is_dropped_and_said() {
    RateLimits stopping = new RateLimits(platform, Duration.ofHours(1), Duration.ofMinutes(1));
    List<RateLimits.Limit> booking = List.of(new RateLimits.Limit("booking-address:192.0.2.13", 100_000),
        new RateLimits.Limit("booking-email:lucie@example.test", 100_000));
    TestNode.await(TestNode.await(stopping.admit(booking, WINDOW, TOO_MANY)).done());

    TestNode.await(stopping.stop());
    assertThat(counted("booking-address:192.0.2.13")).as("written by the stop").isEqualTo(1);
    assertThat(stopping.dropped()).isZero();
    TestNode.await(TestNode.await(stopping.admit(booking, WINDOW, TOO_MANY)).done());
    assertThat(stopping.dropped()).as("her two keys' uses, counted after the stop").isEqualTo(2);
    assertThat(counted("booking-address:192.0.2.13")).isEqualTo(1);
  }

  /**
   * A connection the pool never hands over (Vert.x 5.0.10's pool can leave one unanswered: PipelinedTransaction)
   * holds neither the writes after it nor the node's stop: the write gives up after its time, its uses go with the next.
   */
  @Test
  void a_connection_the_pool_never_hands_over_holds_no_later_write_nor_the_stop() {
    RateLimits quick = new RateLimits(withConnectionsLost(1), Duration.ofHours(1), Duration.ofMillis(300));
    List<RateLimits.Limit> address = List.of(new RateLimits.Limit("booking-address:192.0.2.12", 100_000));
    TestNode.await(TestNode.await(quick.admit(address, WINDOW, TOO_MANY)).done());

    TestNode.await(quick.flush());
    assertThat(counted("booking-address:192.0.2.12")).as("no connection came: not written yet").isZero();
    TestNode.await(quick.stop());
    assertThat(counted("booking-address:192.0.2.12")).as("written by the stop, on the next connection").isEqualTo(1);
    assertThat(quick.dropped()).isZero();
  }

  /** What the stop cannot write, no connection coming, is dropped and said: the stop still ends. */
  @Test
  void the_stop_ends_and_drops_what_it_cannot_write() {
    RateLimits quick = new RateLimits(withConnectionsLost(Integer.MAX_VALUE), Duration.ofHours(1), Duration.ofMillis(300));
    List<RateLimits.Limit> booking = List.of(new RateLimits.Limit("booking-address:192.0.2.14", 100_000),
        new RateLimits.Limit("booking-email:paul@example.test", 100_000));
    TestNode.await(TestNode.await(quick.admit(booking, WINDOW, TOO_MANY)).done());

    TestNode.await(quick.stop());
    assertThat(quick.dropped()).as("her two keys' uses, not written").isEqualTo(2);
    assertThat(counted("booking-address:192.0.2.14")).isZero();
  }

  /** The node's platform, whose pool hands over no connection for the first {@code lost} asked for (and never says so). */
  private Platform withConnectionsLost(int lost) {
    Pool real = platform.pool();
    AtomicInteger asked = new AtomicInteger();
    Pool losing = (Pool) Proxy.newProxyInstance(Pool.class.getClassLoader(), new Class<?>[] {Pool.class},
        (proxy, method, args) -> {
          if (method.getName().equals("getConnection") && method.getParameterCount() == 0 && asked.getAndIncrement() < lost) {
            return Promise.promise().future();
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    return new Platform(platform.vertx(), losing, platform.config(), platform.clock(), platform.metrics());
  }

  private static Throwable awaitFailure(Future<?> future) {
    try {
      TestNode.await(future);
    } catch (RuntimeException e) {
      return e.getCause() instanceof ApiException ? e.getCause() : e;
    }
    throw new AssertionError("succeeded");
  }

  private int counted(String key) {
    var rows = TestNode.await(platform.pool().preparedQuery("SELECT count FROM rate_limit WHERE key = $1").execute(Tuple.of(key)));
    return rows.rowCount() == 0 ? 0 : rows.iterator().next().getInteger(0);
  }
}
