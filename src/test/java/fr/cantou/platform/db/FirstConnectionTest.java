package fr.cantou.platform.db;

import fr.cantou.support.TestNode;
import fr.cantou.support.WatchedLogger;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A starting node's wait for its first connection: bounded, and said without flooding the log. */
class FirstConnectionTest {

  /** A database refusing every connection (still starting, its port closed) for the whole patience: one line, then the failure. */
  @Test
  void a_database_refusing_for_a_second_is_said_once_and_the_start_fails_after_its_patience() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Vertx vertx = Vertx.vertx();
    try (WatchedLogger said = WatchedLogger.of(FirstConnection.class.getName())) {
      Pool pool = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(closedPort)
          .setDatabase("cantou").setUser("cantou").setPassword("x")).using(vertx).build();
      assertThatThrownBy(() -> TestNode.await(FirstConnection.within(vertx, pool, Duration.ofSeconds(1))))
          .hasRootCauseInstanceOf(java.net.ConnectException.class);
      assertThat(said.lines()).singleElement().asString().startsWith("event=database_slow_at_start");
    } finally {
      TestNode.await(vertx.close());
    }
  }
}
