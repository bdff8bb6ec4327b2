package fr.cantou.platform;

import fr.cantou.platform.db.DatabaseUnavailable;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.SocketException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures mean "the database is away, try again" (503) rather than a fault of ours (500). */
class DatabaseUnavailableTest {

  @Test
  void a_refused_or_reset_connection_is_the_database_being_away() {
    assertThat(DatabaseUnavailable.is(new ConnectException("Connection refused"))).isTrue();
    // Seen by DatabaseStopTest: the server stops while a query is in flight.
    assertThat(DatabaseUnavailable.is(new IllegalStateException(new SocketException("Connection reset")))).isTrue();
    assertThat(DatabaseUnavailable.is(new java.io.IOException("Connection reset by peer"))).isTrue();
    assertThat(DatabaseUnavailable.is(new IllegalStateException("a bug"))).isFalse();
  }

  @Test
  void a_database_that_refuses_new_connections_is_away_too() {
    assertThat(DatabaseUnavailable.is(refused("57P03", "the database system is starting up"))).isTrue();
    assertThat(DatabaseUnavailable.is(refused("53300", "sorry, too many clients already"))).isTrue();
    assertThat(DatabaseUnavailable.is(refused("55000", "database \"cantou\" is not currently accepting connections"))).isTrue();
    assertThat(DatabaseUnavailable.is(refused("23505", "duplicate key value violates unique constraint"))).isFalse();
  }

  @Test
  void a_pool_with_no_connection_free_in_time_is_the_database_being_busy() {
    // What the pool answers when no connection frees up within its connection timeout (PoolTimeoutTest sees it live).
    assertThat(DatabaseUnavailable.is(new io.vertx.core.VertxException("Timeout waiting for connection", true))).isTrue();
    assertThat(DatabaseUnavailable.is(new IllegalStateException(
        new io.vertx.core.VertxException("Timeout waiting for connection", true)))).as("wrapped").isTrue();
    // And when its wait queue is full.
    assertThat(DatabaseUnavailable.is(new io.vertx.core.http.ConnectionPoolTooBusyException("Connection pool reached max wait queue size of 1000")))
        .isTrue();
    assertThat(DatabaseUnavailable.is(new io.vertx.core.VertxException("Timeout", true))).as("another timeout is not it").isFalse();
  }

  private static io.vertx.pgclient.PgException refused(String state, String message) {
    return new io.vertx.pgclient.PgException(message, "FATAL", state, null);
  }
}
